using Microsoft.AspNetCore.Http.HttpResults;
using Scop.Aspire.Ambassadors.Domain;

namespace Scop.Aspire.Ambassadors.Features;

/// <summary>The service's refusals as ProblemDetails; a refusal by a rule names it (<c>rule</c>).</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string what, Guid id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: $"{what} not found", detail: $"No {what.ToLowerInvariant()} has the id {id}.");

    /// <summary>A 409 naming the rule the request would break (<c>{"rule": "criteria-met", …}</c>), and what is missing.</summary>
    public static ProblemHttpResult Broken(LabelRule rule, IReadOnlyList<string>? missing = null)
    {
        var extensions = new Dictionary<string, object?> { ["rule"] = rule.Code };
        if (missing is { Count: > 0 })
        {
            extensions["missing"] = missing;
        }

        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: rule.Title, detail: rule.Detail,
            extensions: extensions);
    }

    public static ProblemHttpResult IfMatchRequired() => TypedResults.Problem(
        statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required",
        detail: "Send the ETag of the version you read (GET) in an If-Match header.");

    public static ProblemHttpResult Stale(string path) => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed, title: "The Ambassade changed since you read it",
        detail: $"Read {path} again and apply your change to the current version.");

    /// <summary>The entity tag of a row version: it changes with every committed change.</summary>
    public static string ETagOf(uint version) => $"\"{version}\"";

    /// <summary>The If-Match header names <paramref name="etag"/> (or <c>*</c>).</summary>
    public static bool Matches(string ifMatch, string etag) =>
        ifMatch.Split(',').Select(t => t.Trim()).Any(t => t == "*" || t == etag);
}
