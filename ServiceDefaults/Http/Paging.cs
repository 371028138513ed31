using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Scop.Aspire.ServiceDefaults.Http;

/// <summary>Page-and-size paging with a hard maximum, so no list answer grows without bound.</summary>
public readonly record struct PageRequest(int Page, int PageSize)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public int Skip => (Page - 1) * PageSize;

    public static (PageRequest Request, ValidationProblem? Problem) From(int? page, int? pageSize)
    {
        var errors = new ValidationErrors();
        var p = page ?? 1;
        var size = pageSize ?? DefaultPageSize;
        if (p < 1)
        {
            errors.Add("page", "Pages start at 1.");
        }

        if (size is < 1 or > MaxPageSize)
        {
            errors.Add("pageSize", $"Between 1 and {MaxPageSize}.");
        }

        return errors.IsValid
            ? (new PageRequest(p, size), null)
            : (default, TypedResults.ValidationProblem(errors.ToDictionary()));
    }
}

public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, long TotalCount)
{
    public bool HasNextPage => (long)Page * PageSize < TotalCount;
}
