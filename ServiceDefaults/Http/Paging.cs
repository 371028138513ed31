using System.Buffers.Text;
using System.Text;
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

/// <summary>
/// The position after a row in a list read newest first by (moment, id): what a client passes back as <c>before</c> to
/// read on (keyset paging, so rows inserted meanwhile neither repeat nor vanish). Opaque to clients; anything that is not
/// one of ours decodes to false, never an exception.
/// </summary>
public readonly record struct MomentCursor(DateTimeOffset At, Guid Id)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"{At.UtcTicks}:{Id:N}"));

    public static bool TryDecode(string cursor, out MomentCursor decoded)
    {
        decoded = default;
        try
        {
            var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor)).Split(':');
            if (parts.Length != 2 || !long.TryParse(parts[0], out var ticks) || !Guid.TryParseExact(parts[1], "N", out var id)
                || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
            {
                return false;
            }

            decoded = new MomentCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
