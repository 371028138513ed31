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
    protected override Task HandleAsync(ConsumeContext<CooperativeJoined> context, CancellationToken ct)
    {
        var joined = context.Message;
        return joined.RegionalUnion is { } union
            ? RegisterFacts.StateDetailsAsync(Db, places, joined.CooperativeId, joined.Name, joined.LegalForm, joined.CommuneCode,
                joined.NafCode, union, joined.OccurredAt, ct)
            : Task.CompletedTask; // published before events named the union: its next CooperativeUpdated will
    }
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
        return RegisterFacts.StateDetailsAsync(Db, places, updated.CooperativeId, updated.Name, legalForm: null, updated.CommuneCode,
            updated.NafCode, updated.RegionalUnion, updated.OccurredAt, ct);
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
    public static async Task StateDetailsAsync(AmbassadorsDbContext db, FrenchPlaces places, Guid id, string name, string? legalForm,
        string communeCode, string nafCode, string union, DateTimeOffset statedAt, CancellationToken ct)
    {
        var applied = await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO cooperatives (id, name, legal_form, commune_code, naf_code, regional_union, details_stated_at, membership_lapsed)
            VALUES ({id}, {name}, {legalForm ?? ""}, {communeCode}, {nafCode}, {union}, {statedAt}, false)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, commune_code = excluded.commune_code,
                naf_code = excluded.naf_code, regional_union = excluded.regional_union,
                details_stated_at = excluded.details_stated_at,
                legal_form = CASE WHEN excluded.legal_form = '' THEN cooperatives.legal_form ELSE excluded.legal_form END
            WHERE cooperatives.details_stated_at < excluded.details_stated_at
            """, ct);
        if (applied == 0 || places.FindCommune(communeCode) is not { } commune)
        {
            return; // an older fact than the one held
        }

        // The cooperative's Ambassade (applied for, labelled or suspended) shows what the register says now; its
        // position follows the commune unless the manager set a point there: a move to another commune takes the new
        // commune's position, the old door being elsewhere.
        await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE ambassades SET name = {name}, naf_code = {nafCode}, naf_division = {nafCode[..2]},
                commune_code = {commune.Code}, departement = {commune.Departement}, region = {commune.Region},
                regional_union = {union},
                latitude = CASE WHEN position_source = 'Commune' OR commune_code <> {commune.Code} THEN {commune.Position?.Latitude} ELSE latitude END,
                longitude = CASE WHEN position_source = 'Commune' OR commune_code <> {commune.Code} THEN {commune.Position?.Longitude} ELSE longitude END,
                position_source = CASE WHEN commune_code <> {commune.Code} THEN 'Commune' ELSE position_source END
            WHERE cooperative_id = {id} AND status IN ('Applied', 'Labelled', 'Suspended')
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
