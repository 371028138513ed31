using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Ambassadors.Consumers;

/// <summary>A cooperative joined the register: this service learns its name, place, sector and union.</summary>
public sealed class CooperativeJoinedConsumer(AmbassadorsDbContext db, TimeProvider time, FrenchPlaces places)
    : InboxBatchConsumer<CooperativeJoined, AmbassadorsDbContext>(db, time)
{
    /// <summary>
    /// The batch's cooperatives are written with one statement; of those, only one that was there already (known
    /// through an earlier event) can have an Ambassade to follow. A cooperative named again later in the batch is
    /// applied one message at a time after that, in the order they arrived, so that its facts still come in their order.
    /// </summary>
    protected override async Task ApplyAsync(IReadOnlyList<ConsumeContext<CooperativeJoined>> fresh, CancellationToken ct)
    {
        var firstOfEach = new List<ConsumeContext<CooperativeJoined>>();
        var namedAgain = new List<ConsumeContext<CooperativeJoined>>();
        var seen = new HashSet<Guid>();
        foreach (var message in fresh.Where(m => m.Message.RegionalUnion is not null)) // the others: see HandleAsync
        {
            (seen.Add(message.Message.CooperativeId) ? firstOfEach : namedAgain).Add(message);
        }

        if (firstOfEach.Count > 0)
        {
            var details = firstOfEach.Select(m => DetailsOf(m.Message)).ToList();
            var applied = await RegisterFacts.StateDetailsAsync(Db, details, ct);
            foreach (var known in details.Where(d => applied.TryGetValue(d.Id, out var inserted) && !inserted))
            {
                await RegisterFacts.FollowInAmbassadeAsync(Db, places, known, ct);
            }
        }

        if (namedAgain.Count > 0)
        {
            await ApplyEachAsync(namedAgain, ct);
        }
    }

    protected override Task HandleAsync(ConsumeContext<CooperativeJoined> context, CancellationToken ct) =>
        context.Message.RegionalUnion is not null
            ? RegisterFacts.StateDetailsAsync(Db, places, DetailsOf(context.Message), ct)
            : Task.CompletedTask; // published before events named the union: its next CooperativeUpdated will

    private static RegisterDetails DetailsOf(CooperativeJoined joined) => new(joined.CooperativeId, joined.Name, joined.LegalForm,
        joined.CommuneCode, joined.NafCode, joined.RegionalUnion!, joined.OccurredAt);
}

/// <summary>
/// A cooperative's register entry changed. Its Ambassade, if any, follows: name, sector, commune (and with it the
/// position, unless its manager set a point), and its regional union when it moved to another région.
/// </summary>
public sealed class CooperativeUpdatedConsumer(AmbassadorsDbContext db, TimeProvider time, FrenchPlaces places)
    : InboxConsumer<CooperativeUpdated, AmbassadorsDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<CooperativeUpdated> context, CancellationToken ct)
    {
        var updated = context.Message;
        return RegisterFacts.StateDetailsAsync(Db, places, new RegisterDetails(updated.CooperativeId, updated.Name, LegalForm: null,
            updated.CommuneCode, updated.NafCode, updated.RegionalUnion, updated.OccurredAt), ct);
    }
}

/// <summary>Membership's terms as the register pays them: an Ambassade's cooperative must be a current member.</summary>
public sealed class MembershipActivatedConsumer(AmbassadorsDbContext db, TimeProvider time)
    : InboxConsumer<MembershipActivated, AmbassadorsDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<MembershipActivated> context, CancellationToken ct) =>
        RegisterFacts.StateMembershipAsync(Db, context.Message.CooperativeId, context.Message.TermEndsOn, lapsed: false,
            context.Message.OccurredAt, ct);
}

public sealed class MembershipRenewedConsumer(AmbassadorsDbContext db, TimeProvider time)
    : InboxConsumer<MembershipRenewed, AmbassadorsDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<MembershipRenewed> context, CancellationToken ct) =>
        RegisterFacts.StateMembershipAsync(Db, context.Message.CooperativeId, context.Message.TermEndsOn, lapsed: false,
            context.Message.OccurredAt, ct);
}

public sealed class MembershipLapsedConsumer(AmbassadorsDbContext db, TimeProvider time)
    : InboxConsumer<MembershipLapsed, AmbassadorsDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<MembershipLapsed> context, CancellationToken ct) =>
        RegisterFacts.StateMembershipAsync(Db, context.Message.CooperativeId, context.Message.TermEndedOn, lapsed: true,
            context.Message.OccurredAt, ct);
}

/// <summary>
/// What the register states about a cooperative, applied in the consumer's transaction. Events of one cooperative may
/// arrive out of order across types, so each fact carries the moment the register stated it and an older one never
/// overwrites a newer. A membership fact about a cooperative not known yet waits in a row of its own (its details
/// come with <c>CooperativeJoined</c>).
/// </summary>
public static class RegisterFacts
{
    public static async Task StateDetailsAsync(AmbassadorsDbContext db, FrenchPlaces places, RegisterDetails details,
        CancellationToken ct)
    {
        if ((await StateDetailsAsync(db, [details], ct)).Count == 0)
        {
            return; // an older fact than the one held
        }

        await FollowInAmbassadeAsync(db, places, details, ct);
    }

    /// <summary>
    /// The details of each cooperative (ids distinct), in one statement. Returns the cooperatives whose details it
    /// wrote, each with whether its row is new: a new one has no Ambassade, applying for one needing it known.
    /// </summary>
    public static async Task<Dictionary<Guid, bool>> StateDetailsAsync(AmbassadorsDbContext db, IReadOnlyList<RegisterDetails> details,
        CancellationToken ct)
    {
        var ids = details.Select(d => d.Id).ToArray();
        var names = details.Select(d => d.Name).ToArray();
        var legalForms = details.Select(d => d.LegalForm ?? "").ToArray();
        var communeCodes = details.Select(d => d.CommuneCode).ToArray();
        var nafCodes = details.Select(d => d.NafCode).ToArray();
        var unions = details.Select(d => d.RegionalUnion).ToArray();
        var statedAt = details.Select(d => d.StatedAt).ToArray();
        // A row the statement inserted has no xmax; one it updated carries the lock the update took on it.
        var written = await db.Database.SqlQuery<WrittenCooperative>(
            $"""
            INSERT INTO cooperatives (id, name, legal_form, commune_code, naf_code, regional_union, details_stated_at, membership_lapsed)
            SELECT d.id, d.name, d.legal_form, d.commune_code, d.naf_code, d.regional_union, d.stated_at, false
            FROM unnest({ids}, {names}, {legalForms}, {communeCodes}, {nafCodes}, {unions}, {statedAt})
                AS d(id, name, legal_form, commune_code, naf_code, regional_union, stated_at)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, commune_code = excluded.commune_code,
                naf_code = excluded.naf_code, regional_union = excluded.regional_union,
                details_stated_at = excluded.details_stated_at,
                legal_form = CASE WHEN excluded.legal_form = '' THEN cooperatives.legal_form ELSE excluded.legal_form END
            WHERE cooperatives.details_stated_at < excluded.details_stated_at
            RETURNING id, xmax = 0 AS inserted
            """).ToListAsync(ct);
        var applied = written.ToDictionary(w => w.Id, w => w.Inserted);
        await StateMissingLegalFormsAsync(db, details.Where(d => !applied.ContainsKey(d.Id) && !string.IsNullOrEmpty(d.LegalForm)).ToList(), ct);
        return applied;
    }

    /// <summary>
    /// The legal form of facts older than the details held. The register never changes a cooperative's legal form
    /// and its updates name none, so an older join still brings the form a newer update left empty.
    /// </summary>
    private static async Task StateMissingLegalFormsAsync(AmbassadorsDbContext db, IReadOnlyList<RegisterDetails> older,
        CancellationToken ct)
    {
        if (older.Count == 0)
        {
            return;
        }

        var ids = older.Select(d => d.Id).ToArray();
        var legalForms = older.Select(d => d.LegalForm!).ToArray();
        await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE cooperatives SET legal_form = d.legal_form
            FROM unnest({ids}, {legalForms}) AS d(id, legal_form)
            WHERE cooperatives.id = d.id AND cooperatives.legal_form = ''
            """, ct);
    }

    private sealed record WrittenCooperative(Guid Id, bool Inserted);

    /// <summary>
    /// The cooperative's Ambassade (applied for, labelled or suspended) shows what the register says now; its position
    /// follows the commune unless the manager set a point there: a move to another commune takes the new commune's
    /// position, the old door being elsewhere.
    /// </summary>
    public static Task FollowInAmbassadeAsync(AmbassadorsDbContext db, FrenchPlaces places, RegisterDetails details,
        CancellationToken ct)
    {
        if (places.FindCommune(details.CommuneCode) is not { } commune)
        {
            return Task.CompletedTask;
        }

        return db.Database.ExecuteSqlAsync(
            $"""
            UPDATE ambassades SET name = {details.Name}, naf_code = {details.NafCode}, naf_division = {details.NafCode[..2]},
                commune_code = {commune.Code}, departement = {commune.Departement}, region = {commune.Region},
                regional_union = {details.RegionalUnion},
                latitude = CASE WHEN position_source = 'Commune' OR commune_code <> {commune.Code} THEN {commune.Position?.Latitude} ELSE latitude END,
                longitude = CASE WHEN position_source = 'Commune' OR commune_code <> {commune.Code} THEN {commune.Position?.Longitude} ELSE longitude END,
                position_source = CASE WHEN commune_code <> {commune.Code} THEN 'Commune' ELSE position_source END
            WHERE cooperative_id = {details.Id} AND status IN ('Applied', 'Labelled', 'Suspended')
            """, ct);
    }

    public static Task StateMembershipAsync(AmbassadorsDbContext db, Guid id, DateOnly termEndsOn, bool lapsed,
        DateTimeOffset statedAt, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO cooperatives (id, name, legal_form, commune_code, naf_code, regional_union, details_stated_at,
                                      membership_term_ends_on, membership_lapsed, membership_stated_at)
            VALUES ({id}, '', '', '', '', '', '-infinity', {termEndsOn}, {lapsed}, {statedAt})
            ON CONFLICT (id) DO UPDATE SET membership_term_ends_on = excluded.membership_term_ends_on,
                membership_lapsed = excluded.membership_lapsed, membership_stated_at = excluded.membership_stated_at
            WHERE cooperatives.membership_stated_at IS NULL OR cooperatives.membership_stated_at < excluded.membership_stated_at
            """, ct);
}

/// <summary>
/// What a register event states of a cooperative's details, as of <paramref name="StatedAt"/>; a null
/// <paramref name="LegalForm"/> leaves the one held.
/// </summary>
public sealed record RegisterDetails(Guid Id, string Name, string? LegalForm, string CommuneCode, string NafCode, string RegionalUnion,
    DateTimeOffset StatedAt);
