using Microsoft.AspNetCore.Http.HttpResults;

namespace Scop.Aspire.Training.Features;

/// <summary>The 404 and 409 answers of the training API, as ProblemDetails.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string what, Guid id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: $"{what} not found", detail: $"No {what.ToLowerInvariant()} has the id {id}.");

    public static ProblemHttpResult Conflict(string title, string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);
}
