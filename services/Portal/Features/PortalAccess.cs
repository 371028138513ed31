using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Portal.Features;

/// <summary>
/// Who edits what in the portal, from the caller's token (<see cref="CallerScope"/>): confederation staff (federation
/// and confederation admins) every site, the national one included; a regional union's delegates their union's site; a
/// cooperative's manager their cooperative's site. Nobody else edits; what is published is public.
/// </summary>
public static class PortalAccess
{
    public static bool CanEdit(this CallerScope scope, Site site) => scope.Nationwide || site.Kind switch
    {
        SiteKind.Cooperative => site.CooperativeId is { } id && scope.Cooperatives.Contains(id),
        SiteKind.RegionalUnion => site.RegionalUnion is { } union && scope.RegionalUnions.Contains(union),
        _ => false,
    };

    /// <summary>Who the caller is, for the record of who wrote what: their token's subject.</summary>
    public static string Author(this ClaimsPrincipal user) =>
        user.FindFirst(PlatformClaims.Subject)?.Value ?? user.FindFirst(PlatformClaims.ClientId)?.Value ?? "unknown";

    public static ProblemHttpResult NotEditor(Site site) => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
        title: "Not an editor of this site",
        detail: $"The site '{site.Slug}' is edited by {site.Kind switch
        {
            SiteKind.Cooperative => "its cooperative's manager and confederation staff",
            SiteKind.RegionalUnion => "its regional union's delegates and confederation staff",
            _ => "confederation staff",
        }}.");
}

/// <summary>The 404, 409, 412 and 428 answers of the portal's API, as ProblemDetails that name the rule.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string what, object id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: $"{what} not found", detail: $"No {what.ToLowerInvariant()} is named {id}.");

    public static ProblemHttpResult Conflict(string title, string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    public static ProblemHttpResult Forbidden(string title, string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden, title: title, detail: detail);
}
