using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Scop.Aspire.ServiceDefaults.Http;

/// <summary>Page-and-size paging with a hard maximum, so no list answer grows without bound.</summary>
public readonly record struct PageRequest(int Page, int PageSize)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>
    /// The deepest page: a million rows at the largest size. Deeper, the database would read and drop every row
    /// before the page to answer nothing useful (filter instead), and the offset would overflow at 2^31 rows.
    /// </summary>
    public const int MaxPage = 10_000;

    public int Skip => (Page - 1) * PageSize;

    public static (PageRequest Request, ValidationProblem? Problem) From(int? page, int? pageSize)
    {
        var errors = new ValidationErrors();
        var p = page ?? 1;
        var size = pageSize ?? DefaultPageSize;
        if (p is < 1 or > MaxPage)
        {
            errors.Add("page", $"Pages run from 1 to {MaxPage}.");
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
