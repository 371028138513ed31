using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.Membership.ReferenceData;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Membership.Features.Cooperatives;

/// <summary><c>GET /api/membership/cooperatives</c>: by name, paged, filterable by name, legal form, regional union and sector.</summary>
public static class ListCooperatives
{
    public static RouteHandlerBuilder MapListCooperatives(this RouteGroupBuilder group) =>
        group.MapGet("/", HandleAsync).WithName("ListCooperatives").WithSummary("Cooperatives by name, paged")
            .WithDescription("Only those the caller may see: a delegate's region, a manager's cooperative, everything for federation staff and confederation admins.")
            .RequireAuthorization(PlatformPolicies.ReadCooperatives);

    public static async Task<Results<Ok<PagedList<CooperativeResponse>>, ValidationProblem>> HandleAsync(
        ClaimsPrincipal user, MembershipDbContext db, FrenchReferenceData reference, CancellationToken ct,
        int? page = null, int? pageSize = null, string? legalForm = null, string? name = null, string? union = null,
        string? sector = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var query = CallerScope.Of(user).Apply(db.Cooperatives.AsNoTracking(), c => c.RegionalUnion, c => c.Id);
        if (!string.IsNullOrWhiteSpace(legalForm))
        {
            if (!Enum.TryParse<LegalForm>(legalForm, ignoreCase: true, out var form) || !Enum.IsDefined(form))
            {
                return JsonBody.Invalid("legalForm", "One of SCOP, SCIC or CAE.");
            }

            query = query.Where(c => c.LegalForm == form);
        }

        if (!string.IsNullOrWhiteSpace(union))
        {
            var wanted = union.Trim().ToLowerInvariant();
            query = query.Where(c => c.RegionalUnion == wanted);
        }

        if (!string.IsNullOrWhiteSpace(sector))
        {
            // A NAF sub-class ("62.01Z") or a division ("62", every sub-class under it).
            var trimmed = sector.Trim();
            if (trimmed.Length == 2 && trimmed.All(char.IsAsciiDigit))
            {
                var prefix = trimmed + ".";
                query = query.Where(c => c.NafCode.StartsWith(prefix));
            }
            else if (reference.TryNormalizeNafCode(trimmed, out var naf, out _))
            {
                query = query.Where(c => c.NafCode == naf);
            }
            else
            {
                return JsonBody.Invalid("sector", "A NAF sub-class (e.g. 62.01Z) or a two-digit division (e.g. 62).");
            }
        }

        if (!string.IsNullOrWhiteSpace(name))
        {
            var pattern = $"%{name.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")}%";
            // The escape character is explicit: without it the provider emits ESCAPE '' and the escapes above match literally.
            query = query.Where(c => EF.Functions.ILike(c.Name, pattern, "\\"));
        }

        // The page and the total in one round trip: the count is an uncorrelated subquery, which PostgreSQL runs once.
        var filtered = query;
        var rows = await query.OrderBy(c => c.Name).ThenBy(c => c.Id)
            .Skip(paging.Skip).Take(paging.PageSize)
            .Select(c => new { Cooperative = c, Total = filtered.LongCount() })
            .ToListAsync(ct);
        // Past the last page there is no row to carry the total.
        var total = rows.Count > 0 ? rows[0].Total : await query.LongCountAsync(ct);
        return TypedResults.Ok(new PagedList<CooperativeResponse>(
            rows.Select(r => CooperativeResponse.From(r.Cooperative, reference)).ToList(), paging.Page, paging.PageSize, total));
    }
}
