using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Scop.Aspire.ServiceDefaults.Http;

/// <summary>
/// Optimistic concurrency over HTTP, the same in every service: a row's ETag is its PostgreSQL row version
/// (<c>xmin</c>); a change carries the ETag it read in <c>If-Match</c> — <c>428</c> without one, <c>412</c> when another
/// change came first — so that no change overwrites one its author never saw.
/// </summary>
public static class Preconditions
{
    /// <summary>The entity tag of a row version: it changes with every committed change.</summary>
    public static string ETagOf(uint version) => $"\"{version}\"";

    /// <summary>The If-Match header names <paramref name="etag"/> (or <c>*</c>).</summary>
    public static bool Matches(string ifMatch, string etag) =>
        ifMatch.Split(',').Select(t => t.Trim()).Any(t => t == "*" || t == etag);

    /// <summary>The If-Match header names this row version (or <c>*</c>).</summary>
    public static bool Matches(string ifMatch, uint version) => Matches(ifMatch, ETagOf(version));

    public static ProblemHttpResult IfMatchRequired() => TypedResults.Problem(
        statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required",
        detail: "Send the ETag of the version you read (GET) in an If-Match header.");

    /// <summary>A 412: <paramref name="what"/> changed since it was read; read it again at <paramref name="readAgain"/>.</summary>
    public static ProblemHttpResult Stale(string what, string readAgain) => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed, title: $"The {what} changed since you read it",
        detail: $"Read {readAgain} again and apply your change to the current version.");
}
