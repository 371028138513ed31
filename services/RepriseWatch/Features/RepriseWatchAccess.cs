using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.RepriseWatch.Features;

/// <summary>
/// Who sees and does what in the watch, from the caller's token (<see cref="CallerScope"/>): staff everything; a
/// delegate their regional union's opportunities, which they alone (with staff) move; a cooperative manager the reports
/// of their cooperative; everyone what they reported themselves. The company's name and SIREN are shown only to whom
/// the opportunity's <see cref="Confidentiality"/> admits. Outside the caller's view a record does not exist (404).
/// </summary>
public static class RepriseWatchAccess
{
    public static CallerScope Scope(this ClaimsPrincipal user) => CallerScope.Of(user);

    /// <summary>The caller reported it, or manages a cooperative that did, or acts for its union.</summary>
    public static bool CanSee(this CallerScope scope, Opportunity opportunity) =>
        scope.ActsFor(opportunity.RegionalUnion) || opportunity.Reporters.Any(r => scope.IsReporter(r));

    /// <summary>The caller is this reporter, or manages the cooperative it reported for.</summary>
    public static bool IsReporter(this CallerScope scope, OpportunityReporter reporter) =>
        scope.Is(reporter.PersonId) || (reporter.CooperativeId is { } c && scope.Cooperatives.Contains(c));

    /// <summary>
    /// The caller may see the company's name and SIREN: the union's delegates and staff always; anyone who sees the
    /// opportunity when it is open; its reporters themselves when it is restricted.
    /// </summary>
    public static bool SeesCompany(this CallerScope scope, Opportunity opportunity) =>
        scope.ActsFor(opportunity.RegionalUnion)
        || opportunity.Confidentiality == Confidentiality.Open
        || (opportunity.Confidentiality == Confidentiality.Restricted && opportunity.Reporters.Any(r => scope.Is(r.PersonId)));

    /// <summary>
    /// Who reports, for which cooperative: a manager for the cooperative of their token; a person of the register for
    /// theirs; a delegate (in their union) or staff for the union, with no cooperative. Null when the caller may not
    /// report there: someone the register does not know (or who left), or a delegate of another union.
    /// </summary>
    public static async Task<ReporterIdentity?> ReporterAsync(this CallerScope scope, RepriseWatchDbContext db,
        string regionalUnion, CancellationToken ct)
    {
        if (scope.Cooperatives.Count > 0)
        {
            return new ReporterIdentity(scope.Person, scope.Cooperatives.Order().First());
        }

        if (scope.Person is { } person
            && await db.People.AsNoTracking().Where(p => p.Id == person && p.LeftOn == null && !p.Erased)
                .Select(p => (Guid?)p.CooperativeId).SingleOrDefaultAsync(ct) is { } cooperative)
        {
            return new ReporterIdentity(person, cooperative);
        }

        return scope.ActsFor(regionalUnion) ? new ReporterIdentity(scope.Person, null) : null;
    }

    /// <summary>Who made a move, as the history records it: their person id when the token says, their role and union.</summary>
    public static Actor ActorOf(ClaimsPrincipal user)
    {
        var scope = CallerScope.Of(user);
        string[] byPrecedence = [PlatformRoles.ConfederationAdmin, PlatformRoles.Federation, PlatformRoles.Delegate,
            PlatformRoles.CooperativeManager, PlatformRoles.Elected, PlatformRoles.Member, PlatformRoles.Partner];
        var role = byPrecedence.FirstOrDefault(user.IsInRole) ?? "";
        var union = role == PlatformRoles.Delegate ? scope.RegionalUnions.Order(StringComparer.Ordinal).FirstOrDefault() : null;
        return new Actor(scope.Person, role, union);
    }

    /// <summary>
    /// Who reads the watch's money (financing requests, premiums): a partner's machine client (by its client id), staff
    /// (every union), a delegate (their unions); null for anyone else.
    /// </summary>
    public static MoneyReader? MoneyReaderOf(ClaimsPrincipal user)
    {
        if (user.IsInRole(PlatformRoles.Partner))
        {
            return new MoneyReader(user.FindFirst(PlatformClaims.ClientId)?.Value ?? "", null);
        }

        var scope = CallerScope.Of(user);
        if (scope.Nationwide)
        {
            return new MoneyReader(null, null);
        }

        return scope.RegionalUnions.Count > 0 && user.IsInRole(PlatformRoles.Delegate)
            ? new MoneyReader(null, [.. scope.RegionalUnions])
            : null;
    }

    public static ProblemHttpResult Forbidden(string title, string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden, title: title, detail: detail);
}

/// <summary>A reader of the money: a partner (<see cref="Partner"/>), a delegate (<see cref="Unions"/>), or staff (neither).</summary>
public sealed record MoneyReader(string? Partner, string[]? Unions);

/// <summary>A reporter: the person (if their token names one) and the cooperative they report for (none for a union's report).</summary>
public sealed record ReporterIdentity(Guid? PersonId, Guid? CooperativeId);

/// <summary>Who acted: a person, or their role and union; the register (<see cref="Register"/>) for a conversion.</summary>
public sealed record Actor(Guid? PersonId, string Role, string? RegionalUnion)
{
    public static readonly Actor Register = new(null, "register", null);
}
