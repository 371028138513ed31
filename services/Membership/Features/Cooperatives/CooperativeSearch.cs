using Npgsql;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Membership.Features.Cooperatives;

/// <summary>What a search of the register asks for; every filter is optional and they combine with AND.</summary>
public sealed record CooperativeFilter(
    LegalForm? LegalForm = null,
    string? RegionalUnion = null,
    string? NafDivision = null,
    string? NafCode = null,
    string? NameContains = null);

/// <summary>
/// The register's search, the busiest read of the platform, as one hand-written statement: the page and the total
/// in one round trip, read straight into the answers. Through EF Core the same query spent more time building,
/// caching and shaping the LINQ query on each call than PostgreSQL spent running it.
/// </summary>
public static class CooperativeSearch
{
    private const string Columns =
        "id, name, siren, legal_form, commune_code, naf_code, regional_union, registered_at, street, postal_code, "
        + "trade_federations, headcount, worker_members, profit_sharing_agreement, founded_on, xmin";

    public static async Task<PagedList<CooperativeResponse>> RunAsync(NpgsqlDataSource database, CallerScope scope,
        CooperativeFilter filter, PageRequest paging, FrenchReferenceData reference, CancellationToken ct)
    {
        await using var command = database.CreateCommand();
        var where = Where(command.Parameters, scope, filter);
        command.Parameters.Add(new NpgsqlParameter<int>("take", paging.PageSize));
        command.Parameters.Add(new NpgsqlParameter<int>("skip", paging.Skip));
        // The count is an uncorrelated subquery: PostgreSQL runs it once, and the page still walks the (name, id) index.
        command.CommandText = $"SELECT {Columns}, (SELECT count(*) FROM cooperatives WHERE {where}) FROM cooperatives "
            + $"WHERE {where} ORDER BY name, id LIMIT @take OFFSET @skip";

        var items = new List<CooperativeResponse>(paging.PageSize);
        long? total = null;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                items.Add(CooperativeResponse.From(
                    id: reader.GetGuid(0),
                    name: reader.GetString(1),
                    siren: reader.GetString(2),
                    legalForm: Enum.Parse<LegalForm>(reader.GetString(3)),
                    communeCode: reader.GetString(4),
                    nafCode: reader.GetString(5),
                    regionalUnion: reader.GetString(6),
                    registeredAt: reader.GetFieldValue<DateTimeOffset>(7),
                    street: reader.IsDBNull(8) ? null : reader.GetString(8),
                    postalCode: reader.IsDBNull(9) ? null : reader.GetString(9),
                    tradeFederations: reader.GetFieldValue<string[]>(10),
                    headcount: reader.IsDBNull(11) ? null : reader.GetInt32(11),
                    workerMembers: reader.IsDBNull(12) ? null : reader.GetInt32(12),
                    profitSharingAgreement: reader.GetBoolean(13),
                    foundedOn: reader.IsDBNull(14) ? null : reader.GetFieldValue<DateOnly>(14),
                    version: reader.GetFieldValue<uint>(15),
                    reference: reference));
                total ??= reader.GetInt64(16);
            }
        }

        // Past the last page there is no row to carry the total.
        if (total is null)
        {
            command.CommandText = $"SELECT count(*) FROM cooperatives WHERE {where}";
            total = (long)(await command.ExecuteScalarAsync(ct))!;
        }

        return new PagedList<CooperativeResponse>(items, paging.Page, paging.PageSize, total.Value);
    }

    /// <summary>The conditions, each value a parameter; "true" when nothing narrows the register.</summary>
    private static string Where(NpgsqlParameterCollection parameters, CallerScope scope, CooperativeFilter filter)
    {
        var conditions = new List<string>();
        if (scope.SqlCondition(parameters, "regional_union", "id") is { } visible)
        {
            conditions.Add(visible);
        }

        if (filter.LegalForm is { } legalForm)
        {
            // Stored by name ("Scop"), as the entity's mapping writes it.
            parameters.Add(new NpgsqlParameter<string>("legal_form", legalForm.ToString()));
            conditions.Add("legal_form = @legal_form");
        }

        if (filter.RegionalUnion is { } union)
        {
            parameters.Add(new NpgsqlParameter<string>("union", union));
            conditions.Add("regional_union = @union");
        }

        if (filter.NafDivision is { } division)
        {
            // Two digits, checked by the caller.
            parameters.Add(new NpgsqlParameter<string>("naf_division", division));
            conditions.Add("naf_division = @naf_division");
        }

        if (filter.NafCode is { } naf)
        {
            parameters.Add(new NpgsqlParameter<string>("naf_code", naf));
            conditions.Add("naf_code = @naf_code");
        }

        if (filter.NameContains is { } words)
        {
            // Folded like the stored names, so capitals and accents do not matter; the words match literally: the
            // pattern's own characters are escaped, with the escape character named.
            var escaped = SearchText.Fold(words).Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
            parameters.Add(new NpgsqlParameter<string>("name_pattern", $"%{escaped}%"));
            conditions.Add("search_name LIKE @name_pattern ESCAPE '\\'");
        }

        return conditions.Count == 0 ? "true" : string.Join(" AND ", conditions);
    }
}
