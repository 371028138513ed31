using Microsoft.AspNetCore.Http.HttpResults;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.RepriseWatch.Features;

/// <summary>The watch's refusals as ProblemDetails; a refusal by a rule names it (<c>rule</c>).</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string what, Guid id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: $"{what} not found", detail: $"No {what.ToLowerInvariant()} has the id {id}.");

    public static ProblemHttpResult Conflict(string title, string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    /// <summary>A 409 naming the rule the request would break: <c>{"rule": "qualify-from-reported", …}</c>.</summary>
    public static ProblemHttpResult Broken(PipelineRule rule) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict, title: rule.Title, detail: rule.Detail,
        extensions: new Dictionary<string, object?> { ["rule"] = rule.Code });
}

/// <summary>Input helpers the watch's features share.</summary>
public static class Input
{
    /// <summary>An enum by its name (as the API writes it), or a field error listing the names.</summary>
    public static T? ParseEnum<T>(ValidationErrors errors, string field, string? value, bool required)
        where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors.Add(field, "This field is required.");
            }

            return null;
        }

        if (Enum.TryParse<T>(value.Trim(), ignoreCase: false, out var parsed) && Enum.IsDefined(parsed)
            && !value.Trim().All(c => char.IsAsciiDigit(c) || c == '-'))
        {
            return parsed;
        }

        errors.Add(field, $"One of: {string.Join(", ", Enum.GetNames<T>())}.");
        return null;
    }

    /// <summary>Optional text, trimmed, at most <paramref name="maxLength"/> characters; null when empty.</summary>
    public static string? OptionalText(ValidationErrors errors, string field, string? value, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        if (trimmed.Length > maxLength)
        {
            errors.Add(field, $"At most {maxLength} characters.");
        }

        return trimmed;
    }
}
