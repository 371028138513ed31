using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;
using Scop.Aspire.Training.Features.Bookings;

namespace Scop.Aspire.Training.Features.Waitlist;

/// <summary>Joining a session's waiting list: done by <see cref="CreateBooking"/> when the session is full.</summary>
public static class JoinWaitlist
{
    /// <summary>
    /// Adds the entry with the union of the people's cooperative as training holds it now, read under a key-share lock
    /// in the entry's transaction: a move of the cooperative to another union waits for the entry, or the entry for the
    /// move (see <see cref="Consumers.RegisterFacts"/>).
    /// </summary>
    public static async Task<WaitlistEntry> AddAsync(TrainingDbContext db, TimeProvider time, Guid sessionId,
        List<WaitingPerson> people, Guid cooperativeId, string regionalUnion, Guid? bookedBy, CancellationToken ct)
    {
        await using var own = await db.BeginUnlessInTransactionAsync(ct);
        var cooperative = await db.Cooperatives
            .FromSql($"SELECT * FROM cooperatives WHERE id = {cooperativeId} FOR KEY SHARE").AsNoTracking().SingleOrDefaultAsync(ct);
        regionalUnion = cooperative?.RegionalUnion ?? regionalUnion;
        var now = time.GetUtcNow();
        var entry = new WaitlistEntry
        {
            Id = Guid.CreateVersion7(now),
            SessionId = sessionId,
            Quantity = people.Count,
            Status = WaitlistStatus.Waiting,
            CooperativeId = cooperativeId,
            RegionalUnion = regionalUnion,
            BookedBy = bookedBy,
            People = people,
            LeaveToken = WaitlistEntry.NewLeaveToken(),
            CreatedAt = now,
        };
        db.WaitlistEntries.Add(entry);
        await db.SaveChangesAsync(ct);
        if (own is not null)
        {
            await own.CommitAsync(ct);
        }

        return entry;
    }

    /// <summary>The entry as its holder sees it; the position counts the entries still waiting ahead, plus one.</summary>
    public static async Task<WaitlistEntryResponse> ResponseAsync(TrainingDbContext db, WaitlistEntry entry,
        bool withLeaveLink, CancellationToken ct)
    {
        int? position = entry.Status == WaitlistStatus.Waiting
            ? await db.WaitlistEntries.CountAsync(w => w.SessionId == entry.SessionId
                && w.Status == WaitlistStatus.Waiting && w.Sequence < entry.Sequence, ct) + 1
            : null;
        return new WaitlistEntryResponse(entry.Id, entry.SessionId, entry.Quantity, entry.Status, position,
            entry.CreatedAt, entry.OfferBookingId, entry.OfferExpiresAt,
            withLeaveLink ? $"/api/training/waitlist/leave/{entry.LeaveToken}" : null);
    }
}

/// <summary>
/// <c>GET /api/training/waitlist/{id}</c> (with its position), <c>GET /api/training/sessions/{id}/waitlist</c> (in
/// order, paged: the entries the caller may see, each with its true position) and
/// <c>POST /api/training/waitlist/leave/{token}</c> — the link given when joining, which needs no other proof than its
/// unguessable token. Entries are seen as bookings are (<see cref="TrainingAccess"/>).
/// </summary>
public static class ReadWaitlist
{
    public static RouteGroupBuilder MapWaitlist(this RouteGroupBuilder group)
    {
        group.MapGet("/waitlist/{id:guid}", GetAsync).WithName("GetWaitlistEntry").WithSummary("A waiting-list entry and its position")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapGet("/sessions/{id:guid}/waitlist", ListAsync).WithName("ListWaitlist").WithSummary("A session's waiting list, in order, paged")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapPost("/waitlist/leave/{token}", LeaveAsync).WithName("LeaveWaitlist").WithSummary("Leave the waiting list through its link")
            .AllowAnonymous(); // the unguessable token in the link is the credential: people follow it from an e-mail
        return group;
    }

    public static async Task<Results<Ok<WaitlistEntryResponse>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user,
        TrainingDbContext db, CancellationToken ct) =>
        await db.WaitlistEntries.AsNoTracking().SingleOrDefaultAsync(w => w.Id == id, ct) is { } entry && user.Scope().CanSee(entry)
            ? TypedResults.Ok(await JoinWaitlist.ResponseAsync(db, entry, withLeaveLink: false, ct))
            : Problems.NotFound("Waiting-list entry", id);

    public static async Task<Results<Ok<PagedList<WaitlistEntryResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid id, ClaimsPrincipal user, TrainingDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        if (!await db.Sessions.AnyAsync(s => s.Id == id, ct))
        {
            return Problems.NotFound("Session", id);
        }

        var waiting = db.WaitlistEntries.AsNoTracking().Where(w => w.SessionId == id && w.Status == WaitlistStatus.Waiting);
        var query = waiting.VisibleTo(user.Scope());
        var total = await query.LongCountAsync(ct);
        // Each entry's true place in the whole list, whatever the caller sees of it.
        var items = await query.OrderBy(w => w.Sequence).Skip(paging.Skip).Take(paging.PageSize)
            .Select(w => new { Entry = w, Ahead = waiting.Count(o => o.Sequence < w.Sequence) })
            .ToListAsync(ct);
        var responses = items.Select(x => new WaitlistEntryResponse(x.Entry.Id, x.Entry.SessionId, x.Entry.Quantity,
            x.Entry.Status, x.Ahead + 1, x.Entry.CreatedAt, x.Entry.OfferBookingId, x.Entry.OfferExpiresAt)).ToList();
        return TypedResults.Ok(new PagedList<WaitlistEntryResponse>(responses, paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Ok<WaitlistEntryResponse>, ProblemHttpResult>> LeaveAsync(string token,
        TrainingDbContext db, CancellationToken ct)
    {
        if (token.Length is < 20 or > 64)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Link not valid",
                detail: "This link does not lead to a waiting-list entry.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var entry = await db.WaitlistEntries.FromSql($"SELECT * FROM waitlist_entries WHERE leave_token = {token} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        if (entry is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Link not valid",
                detail: "This link does not lead to a waiting-list entry.");
        }

        if (entry.Status is WaitlistStatus.Waiting)
        {
            entry.Status = WaitlistStatus.Left;
            await db.SaveChangesAsync(ct);
        }
        else if (entry.Status is not WaitlistStatus.Left)
        {
            return Problems.Conflict("Not waiting any more", $"The entry is {entry.Status}.");
        }

        await transaction.CommitAsync(ct);
        return TypedResults.Ok(await JoinWaitlist.ResponseAsync(db, entry, withLeaveLink: false, ct));
    }
}
