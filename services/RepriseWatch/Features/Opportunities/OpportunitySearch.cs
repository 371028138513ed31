using System.Data.Common;
using Npgsql;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.RepriseWatch.Features.Opportunities;

/// <summary>What a pipeline list asks for; every filter is optional and they combine with AND.</summary>
public sealed record OpportunityFilter(
    Stage? Stage = null,
    string? RegionalUnion = null,
    TakeoverCause? Cause = null,
    bool? Stale = null,
    string? NafDivision = null,
    string? Search = null);

/// <summary>
/// The pipeline list and its search, the watch's busiest read, as one hand-written statement: the page and the total in
/// one round trip, read straight into the answers. The caller's view (their union, their cooperative's reports, their
/// own) is a condition of the statement, and so is who sees each company: a search by name or SIREN only looks at the
/// companies the caller may see, so a hidden name is never found by guessing it.
/// </summary>
public static class OpportunitySearch
{
    private const string Columns =
        "o.id, o.stage, o.company_name, o.siren, o.naf_code, o.commune_code, o.regional_union, o.headcount, o.cause, "
        + "o.owner_age_band, o.cause_detail, o.deadline, o.confidentiality, o.reported_at, o.last_activity_at, o.stale_since, "
        + "o.contacted_on, o.jobs_at_stake, o.feasibility_summary, o.lost_reason, o.lost_comment, o.closed_at, "
        + "o.successor_siren, o.cooperative_id, o.jobs_kept, "
        + "(SELECT count(*) FROM opportunity_reporters r WHERE r.opportunity_id = o.id)::int, o.xmin";

    public static async Task<PagedList<OpportunityResponse>> RunAsync(NpgsqlDataSource database, CallerScope scope,
        OpportunityFilter filter, PageRequest paging, FrenchReferenceData reference, CancellationToken ct)
    {
        await using var command = database.CreateCommand();
        var seesCompany = SeesCompany(command.Parameters, scope);
        var where = Where(command.Parameters, scope, filter, seesCompany);
        command.Parameters.Add(new NpgsqlParameter<int>("take", paging.PageSize));
        command.Parameters.Add(new NpgsqlParameter<int>("skip", paging.Skip));
        // The count is an uncorrelated subquery: PostgreSQL runs it once, and the page walks the reported_at indexes.
        command.CommandText = $"SELECT {Columns}, {seesCompany}, (SELECT count(*) FROM opportunities o WHERE {where}) "
            + $"FROM opportunities o WHERE {where} ORDER BY o.reported_at DESC, o.id DESC LIMIT @take OFFSET @skip";

        var items = new List<OpportunityResponse>(paging.PageSize);
        long? total = null;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                items.Add(Read(reader, scope, reference));
                total ??= reader.GetInt64(28);
            }
        }

        // Past the last page there is no row to carry the total.
        if (total is null)
        {
            command.CommandText = $"SELECT count(*) FROM opportunities o WHERE {where}";
            total = (long)(await command.ExecuteScalarAsync(ct))!;
        }

        return new PagedList<OpportunityResponse>(items, paging.Page, paging.PageSize, total.Value);
    }

    private static OpportunityResponse Read(DbDataReader reader, CallerScope scope, FrenchReferenceData reference)
    {
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        T? Value<T>(int i) where T : struct => reader.IsDBNull(i) ? null : reader.GetFieldValue<T>(i);
        TEnum? Named<TEnum>(int i) where TEnum : struct, Enum => reader.IsDBNull(i) ? null : Enum.Parse<TEnum>(reader.GetString(i));

        var union = reader.GetString(6);
        var sees = reader.GetBoolean(27);
        var acts = scope.ActsFor(union);
        var communeCode = reader.GetString(5);
        var nafCode = reader.GetString(4);
        var commune = reference.FindCommune(communeCode);
        reference.TryNormalizeNafCode(nafCode, out _, out var nafLabel);
        return new OpportunityResponse(
            Id: reader.GetGuid(0),
            Stage: Enum.Parse<Stage>(reader.GetString(1)),
            CompanyName: sees ? reader.GetString(2) : null,
            Siren: sees ? reader.GetString(3) : null,
            CompanyHidden: !sees,
            NafCode: nafCode,
            NafLabel: nafLabel.Length == 0 ? null : nafLabel,
            CommuneCode: communeCode,
            CommuneName: commune?.Name,
            Departement: commune?.Departement,
            RegionalUnion: union,
            Headcount: reader.GetInt32(7),
            Cause: Enum.Parse<TakeoverCause>(reader.GetString(8)),
            OwnerAgeBand: Named<OwnerAgeBand>(9),
            CauseDetail: acts ? Text(10) : null,
            Deadline: Value<DateOnly>(11),
            Confidentiality: Enum.Parse<Confidentiality>(reader.GetString(12)),
            ReportedAt: reader.GetFieldValue<DateTimeOffset>(13),
            LastActivityAt: reader.GetFieldValue<DateTimeOffset>(14),
            StaleSince: Value<DateTimeOffset>(15),
            ContactedOn: acts ? Value<DateOnly>(16) : null,
            JobsAtStake: Value<int>(17),
            FeasibilitySummary: acts ? Text(18) : null,
            LostReason: Named<LostReason>(19),
            LostComment: acts ? Text(20) : null,
            ClosedAt: Value<DateTimeOffset>(21),
            SuccessorSiren: acts ? Text(22) : null,
            CooperativeId: Value<Guid>(23),
            JobsKept: Value<int>(24),
            Reporters: reader.GetInt32(25),
            ETag: Preconditions.ETagOf(reader.GetFieldValue<uint>(26)));
    }

    /// <summary>
    /// The caller's view: everything nationwide; else their unions' opportunities, and those reported by them or by
    /// their cooperative — only the terms that can hold, so a member's view is an index look-up of their reports.
    /// </summary>
    private static string? Visible(NpgsqlParameterCollection parameters, CallerScope scope)
    {
        if (scope.Nationwide)
        {
            return null;
        }

        var terms = new List<string>();
        if (scope.RegionalUnions.Count > 0)
        {
            parameters.Add(new NpgsqlParameter<string[]>("scope_unions", [.. scope.RegionalUnions]));
            terms.Add("o.regional_union = ANY(@scope_unions)");
        }

        var reporters = new List<string>();
        if (scope.Person is { } person)
        {
            parameters.Add(new NpgsqlParameter<Guid>("scope_person", person));
            reporters.Add("r.person_id = @scope_person");
        }

        if (scope.Cooperatives.Count > 0)
        {
            parameters.Add(new NpgsqlParameter<Guid[]>("scope_cooperatives", [.. scope.Cooperatives]));
            reporters.Add("r.cooperative_id = ANY(@scope_cooperatives)");
        }

        if (reporters.Count > 0)
        {
            terms.Add($"EXISTS (SELECT 1 FROM opportunity_reporters r WHERE r.opportunity_id = o.id AND ({string.Join(" OR ", reporters)}))");
        }

        return terms.Count == 0 ? "false" : $"({string.Join(" OR ", terms)})";
    }

    /// <summary>
    /// Whether the caller sees a row's company (<see cref="RepriseWatchAccess.SeesCompany"/>, as SQL): always nationwide
    /// and in their unions; when it is open; when it is restricted and they reported it.
    /// </summary>
    private static string SeesCompany(NpgsqlParameterCollection parameters, CallerScope scope)
    {
        if (scope.Nationwide)
        {
            return "true";
        }

        var terms = new List<string> { "o.confidentiality = 'Open'" };
        if (scope.RegionalUnions.Count > 0)
        {
            parameters.Add(new NpgsqlParameter<string[]>("sees_unions", [.. scope.RegionalUnions]));
            terms.Add("o.regional_union = ANY(@sees_unions)");
        }

        if (scope.Person is { } person)
        {
            parameters.Add(new NpgsqlParameter<Guid>("sees_person", person));
            terms.Add("(o.confidentiality = 'Restricted' AND EXISTS (SELECT 1 FROM opportunity_reporters s "
                + "WHERE s.opportunity_id = o.id AND s.person_id = @sees_person))");
        }

        return $"({string.Join(" OR ", terms)})";
    }

    /// <summary>The conditions, each value a parameter; "true" when nothing narrows the list.</summary>
    private static string Where(NpgsqlParameterCollection parameters, CallerScope scope, OpportunityFilter filter, string seesCompany)
    {
        var conditions = new List<string>();
        if (Visible(parameters, scope) is { } visible)
        {
            conditions.Add(visible);
        }

        if (filter.Stage is { } stage)
        {
            parameters.Add(new NpgsqlParameter<string>("stage", stage.ToString()));
            conditions.Add("o.stage = @stage");
        }

        if (filter.RegionalUnion is { } union)
        {
            parameters.Add(new NpgsqlParameter<string>("union", union));
            conditions.Add("o.regional_union = @union");
        }

        if (filter.Cause is { } cause)
        {
            parameters.Add(new NpgsqlParameter<string>("cause", cause.ToString()));
            conditions.Add("o.cause = @cause");
        }

        if (filter.Stale is { } stale)
        {
            conditions.Add(stale ? "o.stale_since IS NOT NULL" : "o.stale_since IS NULL");
        }

        if (filter.NafDivision is { } division)
        {
            parameters.Add(new NpgsqlParameter<string>("naf_division", division));
            conditions.Add("o.naf_division = @naf_division");
        }

        if (filter.Search is { } search)
        {
            // A SIREN finds its company, words find names (folded like the stored names, the pattern's own characters
            // escaped) — among the companies the caller may see only.
            if (Siren.TryNormalize(search, out var siren))
            {
                // Cast to the column's type (character(9)): compared with text, the column is cast instead, which its
                // index cannot serve, and every SIREN search read the whole index twice.
                parameters.Add(new NpgsqlParameter<string>("search_siren", siren));
                conditions.Add("o.siren = @search_siren::bpchar");
            }
            else
            {
                var escaped = SearchText.Fold(search).Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
                parameters.Add(new NpgsqlParameter<string>("name_pattern", $"%{escaped}%"));
                conditions.Add("o.search_name LIKE @name_pattern ESCAPE '\\'");
            }

            conditions.Add(seesCompany);
        }

        return conditions.Count == 0 ? "true" : string.Join(" AND ", conditions);
    }
}
