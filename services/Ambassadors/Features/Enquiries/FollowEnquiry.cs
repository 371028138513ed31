using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.Contracts.Ambassadors;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Ambassadors.Features.Enquiries;

/// <summary>
/// The project holder's private link, anonymous: whoever holds the token follows the enquiry, no account needed.
/// <c>GET …/enquiries/follow/{token}</c>: its status, the Ambassade's name, the first answer if any.
/// <c>POST …/follow/{token}/withdraw</c>: the enquiry is withdrawn and the person's data erased (an anonymous row stays
/// for the figures); withdrawing again changes nothing. An unknown token is a <c>404</c>, like a wrong one.
/// </summary>
public static class FollowEnquiry
{
    /// <summary>What the project holder sees: nothing of the Ambassade's inner workings (no escalation, no person).</summary>
    public sealed record FollowedEnquiry(Guid Id, string Status, Guid AmbassadeId, string AmbassadeName, DateTimeOffset ReceivedAt,
        DateOnly DueOn, string? Project, string? Answer, DateTimeOffset? AnsweredAt, DateTimeOffset? WithdrawnAt);

    /// <summary>A token is 43 URL-safe characters; anything else cannot be one, and is not looked up.</summary>
    private const int TokenLength = 43;

    public static RouteGroupBuilder MapFollowEnquiry(this RouteGroupBuilder group)
    {
        group.MapGet("/enquiries/follow/{token}", FollowAsync).WithName("FollowEnquiry")
            .WithSummary("The project holder's view of their enquiry, by its private token").AllowAnonymous();
        group.MapPost("/enquiries/follow/{token}/withdraw", WithdrawAsync).WithName("WithdrawEnquiry")
            .WithSummary("Withdraw the enquiry and erase the project holder's data, by its private token").AllowAnonymous();
        return group;
    }

    public static async Task<Results<Ok<FollowedEnquiry>, ProblemHttpResult>> FollowAsync(string token, AmbassadorsDbContext db,
        CancellationToken ct)
    {
        var found = await FindAsync(db, token, tracked: false, ct);
        return found is null ? NotFound() : TypedResults.Ok(await ViewAsync(db, found, ct));
    }

    public static async Task<Results<Ok<FollowedEnquiry>, ProblemHttpResult>> WithdrawAsync(string token, AmbassadorsDbContext db,
        TimeProvider time, CancellationToken ct)
    {
        var enquiry = await FindAsync(db, token, tracked: true, ct);
        if (enquiry is null)
        {
            return NotFound();
        }

        if (enquiry.Status != EnquiryStatus.Withdrawn)
        {
            var now = time.GetUtcNow();
            enquiry.Withdraw(now);
            db.AddIntegrationEvent(new EnquiryWithdrawn(Guid.CreateVersion7(now), now, enquiry.Id, enquiry.AmbassadeId,
                enquiry.RegionalUnion), enquiry.Id.ToString());
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // An answer was recorded meanwhile: withdraw the current version.
                db.ChangeTracker.Clear();
                return await WithdrawAsync(token, db, time, ct);
            }
        }

        return TypedResults.Ok(await ViewAsync(db, enquiry, ct));
    }

    private static async Task<Enquiry?> FindAsync(AmbassadorsDbContext db, string token, bool tracked, CancellationToken ct)
    {
        if (token.Length != TokenLength)
        {
            return null;
        }

        var hash = Enquiry.HashOf(token);
        var query = tracked ? db.Enquiries : db.Enquiries.AsNoTracking();
        return await query.SingleOrDefaultAsync(e => e.FollowTokenHash == hash, ct);
    }

    private static async Task<FollowedEnquiry> ViewAsync(AmbassadorsDbContext db, Enquiry e, CancellationToken ct)
    {
        var name = await db.Ambassades.Where(a => a.Id == e.AmbassadeId).Select(a => a.Name).SingleAsync(ct);
        return new FollowedEnquiry(e.Id, e.Status.ToString(), e.AmbassadeId, name, e.ReceivedAt, e.DueOn, e.Project, e.Answer,
            e.AnsweredAt, e.WithdrawnAt);
    }

    private static ProblemHttpResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
        title: "Enquiry not found", detail: "No enquiry follows this link.");
}
