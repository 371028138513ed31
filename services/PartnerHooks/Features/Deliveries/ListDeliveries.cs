using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.PartnerHooks.Domain;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.PartnerHooks.Features.Deliveries;

/// <summary>
/// <c>GET /api/partner-hooks/deliveries?endpointId=&amp;status=&amp;since=&amp;page=&amp;pageSize=</c>: the delivery log,
/// newest first, each delivery with its latest attempts (status code, latency, error).
/// </summary>
public static class ListDeliveries
{
    public static RouteHandlerBuilder MapListDeliveries(this RouteGroupBuilder group) =>
        group.MapGet("/", HandleAsync).WithName("ListDeliveries")
            .WithSummary("The delivery log, newest first, paged")
            .WithDescription("Filters: endpointId (uuid), status (Pending, Succeeded, Failed), since (ISO 8601: created at or after).");

    public static async Task<Results<Ok<PagedList<DeliveryResponse>>, ValidationProblem>> HandleAsync(
        PartnerHooksDbContext db, CancellationToken ct, int? page = null, int? pageSize = null,
        string? endpointId = null, string? status = null, string? since = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var query = db.Deliveries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(endpointId))
        {
            if (Guid.TryParse(endpointId, out var id))
            {
                query = query.Where(d => d.EndpointId == id);
            }
            else
            {
                errors.Add("endpointId", "A uuid.");
            }
        }

        if (!string.IsNullOrWhiteSpace(status))
        {
            if (Enum.TryParse<DeliveryStatus>(status, ignoreCase: true, out var wanted) && Enum.IsDefined(wanted)
                && !status.Trim().All(char.IsAsciiDigit))
            {
                query = query.Where(d => d.Status == wanted);
            }
            else
            {
                errors.Add("status", "One of Pending, Succeeded, Failed.");
            }
        }

        if (!string.IsNullOrWhiteSpace(since))
        {
            if (TryParseInstant(since, out var from))
            {
                query = query.Where(d => d.CreatedAt >= from);
            }
            else
            {
                errors.Add("since", "An ISO 8601 date and time with an offset, e.g. 2026-11-26T10:00:00Z.");
            }
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var total = await query.LongCountAsync(ct);
        var items = await query.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<DeliveryResponse>(await DeliveryEndpoints.WithAttemptsAsync(db, items, ct),
            paging.Page, paging.PageSize, total));
    }

    internal static bool TryParseInstant(string text, out DateTimeOffset instant) =>
        DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant);
}
