using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.PartnerHooks.Features.Partners;

/// <summary><c>GET /api/partner-hooks/partners</c>: by code, paged.</summary>
public static class ListPartners
{
    public static RouteHandlerBuilder MapListPartners(this RouteGroupBuilder group) =>
        group.MapGet("/", HandleAsync).WithName("ListPartners").WithSummary("Partners by code, paged");

    public static async Task<Results<Ok<PagedList<PartnerResponse>>, ValidationProblem>> HandleAsync(
        PartnerHooksDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var total = await db.Partners.LongCountAsync(ct);
        var items = await db.Partners.AsNoTracking().OrderBy(p => p.Code)
            .Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<PartnerResponse>(items.Select(PartnerResponse.From).ToList(),
            paging.Page, paging.PageSize, total));
    }
}

/// <summary><c>GET /api/partner-hooks/partners/{id}</c>: a partner and its endpoints (never their secrets).</summary>
public static class GetPartner
{
    public sealed record PartnerWithEndpoints(PartnerResponse Partner, IReadOnlyList<EndpointResponse> Endpoints);

    public static RouteHandlerBuilder MapGetPartner(this RouteGroupBuilder group) =>
        group.MapGet("/{id:guid}", HandleAsync).WithName("GetPartner").WithSummary("A partner and its endpoints");

    public static async Task<Results<Ok<PartnerWithEndpoints>, ProblemHttpResult>> HandleAsync(
        Guid id, PartnerHooksDbContext db, CancellationToken ct)
    {
        var partner = await db.Partners.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        if (partner is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Partner not found",
                detail: $"No partner has the id {id}.");
        }

        var endpoints = await db.Endpoints.AsNoTracking().Where(e => e.PartnerId == id)
            .OrderBy(e => e.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(new PartnerWithEndpoints(PartnerResponse.From(partner),
            endpoints.Select(EndpointResponse.From).ToList()));
    }
}
