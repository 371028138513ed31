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

    /// <summary>
    /// The caller's display name as their token gives it (the <c>name</c> claim), at most
    /// <see cref="SpacePost.MaxAuthorNameLength"/> characters, without a surrogate pair cut in half; null when the token
    /// names no one. The identity service falls back on the user name when an account has no display name, and an
    /// account opened from a hire is named by its e-mail address: a <c>name</c> that is only the user name
    /// (<c>preferred_username</c>) is no display name, and is not shown to other members either.
    /// </summary>
    public static string? AuthorName(this ClaimsPrincipal user)
    {
        var name = user.FindFirst(PlatformClaims.Name)?.Value?.Trim();
        if (string.IsNullOrEmpty(name)
            || string.Equals(name, user.FindFirst(PlatformClaims.PreferredUserName)?.Value?.Trim(), StringComparison.Ordinal))
        {
            return null;
        }

        if (name.Length <= SpacePost.MaxAuthorNameLength)
        {
            return name;
        }

        var length = SpacePost.MaxAuthorNameLength;
        if (char.IsHighSurrogate(name[length - 1]))
        {
            length--;
        }

        return name[..length].TrimEnd();
    }

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
