using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Ambassadors.Features;

/// <summary>
/// Who sees and does what with the labels, from the caller's token (<see cref="CallerScope"/>): staff everything; a
/// delegate their regional union's Ambassades, which they alone (with staff) review and decide; a cooperative's manager
/// their cooperative's, for which they apply and ask the renewal. Outside the caller's view an Ambassade does not exist
/// (404).
/// </summary>
public static class AmbassadorsAccess
{
    public static CallerScope Scope(this ClaimsPrincipal user) => CallerScope.Of(user);

    /// <summary>The caller acts for its union, or manages its cooperative.</summary>
    public static bool CanSee(this CallerScope scope, Ambassade ambassade) =>
        scope.CanRead(ambassade.RegionalUnion, ambassade.CooperativeId);

    /// <summary>The cooperative a manager applies for: the one of their token (the first, should it name several).</summary>
    public static Guid? ManagedCooperative(this CallerScope scope) =>
        scope.Cooperatives.Count > 0 ? scope.Cooperatives.Order().First() : null;

    /// <summary>Who took a step, as the history records it: their person id when the token says, their role and union.</summary>
    public static LabelActor ActorOf(ClaimsPrincipal user)
    {
        var scope = CallerScope.Of(user);
        string[] byPrecedence = [PlatformRoles.ConfederationAdmin, PlatformRoles.Federation, PlatformRoles.Delegate,
            PlatformRoles.CooperativeManager];
        var role = byPrecedence.FirstOrDefault(user.IsInRole) ?? "";
        var union = role == PlatformRoles.Delegate ? scope.RegionalUnions.Order(StringComparer.Ordinal).FirstOrDefault() : null;
        return new LabelActor(scope.Person, role, union);
    }

    public static ProblemHttpResult Forbidden(string title, string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden, title: title, detail: detail);
}

/// <summary>Who took a step: a person, their role and union; <see cref="Timer"/> for the label's own timers.</summary>
public sealed record LabelActor(Guid? PersonId, string Role, string? RegionalUnion)
{
    public static readonly LabelActor Timer = new(null, "timer", null);
}
