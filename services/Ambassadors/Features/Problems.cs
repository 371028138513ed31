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
}
