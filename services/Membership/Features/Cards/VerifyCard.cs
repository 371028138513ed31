using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.Membership.Features.People;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Features.Cards;

/// <summary>
/// <c>GET /api/membership/cards/{number}/validity</c>, for partners: is this member card valid today? The answer is a
/// yes or no and the day, nothing else — an unknown card is simply not valid.
/// </summary>
public static class VerifyCard
{
    public sealed record CardValidity(bool Valid, DateOnly On);

    public static IEndpointRouteBuilder MapCards(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/membership/cards/{number}/validity", HandleAsync).WithTags("Cards").WithName("VerifyCard")
            .WithSummary("Is this member card valid today?")
            .WithDescription("Valid: the card exists and is not revoked, its holder still works in the cooperative, and the cooperative's membership is new, current or in grace.")
            .RequireAuthorization(PlatformPolicies.Partner);
        return app;
    }

    public static async Task<Results<Ok<CardValidity>, ValidationProblem>> HandleAsync(string number, MembershipDbContext db,
        TimeProvider time, CancellationToken ct)
    {
        if (!MemberCard.TryNormalize(number, out var card))
        {
            return JsonBody.Invalid("number", "A member card number is 16 digits whose last one is a Luhn check digit.");
        }

        var today = ParisCalendar.Today(time);
        var person = await db.People.AsNoTracking().Include(p => p.Roles).SingleOrDefaultAsync(p => p.CardNumber == card, ct);
        return TypedResults.Ok(new CardValidity(person is not null && await IsValidAsync(db, person, today, ct), today));
    }

    /// <summary>
    /// The card's holder still works in the cooperative under a role held today, the card is not revoked, and the
    /// cooperative's membership is in good standing: what a partner is told, and what the holder sees of their card.
    /// </summary>
    public static async Task<bool> IsValidAsync(MembershipDbContext db, Person person, DateOnly today, CancellationToken ct)
    {
        if (person.IsErased || person.CardRevokedOn is { } revoked && revoked <= today
            || person.HasLeft(today) || !person.Roles.Any(r => r.IsHeldOn(today)))
        {
            return false;
        }

        var membership = await db.Memberships.AsNoTracking().Include(m => m.Terms)
            .SingleOrDefaultAsync(m => m.CooperativeId == person.CooperativeId, ct);
        return membership is not null && MembershipRules.IsInGoodStanding(membership.StatusOn(today));
    }
}
