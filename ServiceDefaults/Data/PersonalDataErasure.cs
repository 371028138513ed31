using Microsoft.EntityFrameworkCore;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.ServiceDefaults.Data;

/// <summary>
/// The platform's own part of a person's erasure, in every service's database: what the platform tables keep about
/// them beside the service's data. Each record about a person names their id, so the id finds them all.
/// </summary>
public static class PersonalDataErasure
{
    /// <summary>
    /// In the caller's unit of work (the erasure's transaction, or the <c>PersonErased</c> consumer's, with its inbox
    /// row): empties the kept idempotent answers that name the person (a hire's holds their name and e-mail) of their
    /// body and location — the key stays claimed, so a late retry of the hire gets its status again rather than a second
    /// hire — and deletes those whose very target names them (<c>POST /people/{id}/…</c>); deletes the published
    /// outbox rows that name them (kept otherwise for
    /// <see cref="OutboxOptions.SentRetention"/>); and has the relay delete those still waiting as soon as they are
    /// published — they still leave, since other services need them (an event about the person is followed by their
    /// erasure everywhere), but none is kept. Reads the idempotency keys (a day's worth) and the outbox (a week of
    /// sent rows) once each; an erasure is rare.
    /// </summary>
    public static async Task ForgetPersonAsync(this DbContext db, Guid personId, CancellationToken ct)
    {
        var id = personId.ToString("D"); // as JSON and paths write it: lower case
        await db.Database.ExecuteSqlAsync($"DELETE FROM idempotency_keys WHERE strpos(lower(target), {id}) > 0", ct);
        await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE idempotency_keys SET location = NULL, body = NULL
            WHERE strpos(lower(coalesce(location, '')), {id}) > 0 OR strpos(lower(coalesce(body::text, '')), {id}) > 0
            """, ct);
        // Waiting rows first: one the relay is publishing right now is locked until it is marked sent, and the
        // statement after this one then finds it sent.
        await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE outbox_messages SET delete_when_sent = TRUE
            WHERE sent_at IS NULL AND NOT delete_when_sent AND strpos(lower(body::text), {id}) > 0
            """, ct);
        await db.Database.ExecuteSqlAsync(
            $"DELETE FROM outbox_messages WHERE sent_at IS NOT NULL AND strpos(lower(body::text), {id}) > 0", ct);
    }
}
