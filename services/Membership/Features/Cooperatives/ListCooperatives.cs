using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.ReferenceData;
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
        ClaimsPrincipal user, NpgsqlDataSource database, FrenchReferenceData reference, CancellationToken ct,
        int? page = null, int? pageSize = null, string? legalForm = null, string? name = null, string? union = null,
        string? sector = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var filter = new CooperativeFilter();
        if (!string.IsNullOrWhiteSpace(legalForm))
        {
            if (!Enum.TryParse<LegalForm>(legalForm, ignoreCase: true, out var form) || !Enum.IsDefined(form))
            {
                return JsonBody.Invalid("legalForm", "One of SCOP, SCIC or CAE.");
            }

            filter = filter with { LegalForm = form };
        }

        if (!string.IsNullOrWhiteSpace(union))
        {
            filter = filter with { RegionalUnion = union.Trim().ToLowerInvariant() };
        }

        if (!string.IsNullOrWhiteSpace(sector))
        {
            // A NAF sub-class ("62.01Z") or a division ("62", every sub-class under it).
            var trimmed = sector.Trim();
            if (trimmed.Length == 2 && trimmed.All(char.IsAsciiDigit))
            {
                filter = filter with { NafDivision = trimmed };
            }
            else if (reference.TryNormalizeNafCode(trimmed, out var naf, out _))
            {
                filter = filter with { NafCode = naf };
            }
            else
            {
                return JsonBody.Invalid("sector", "A NAF sub-class (e.g. 62.01Z) or a two-digit division (e.g. 62).");
            }
        }

        if (!string.IsNullOrWhiteSpace(name))
        {
            filter = filter with { NameContains = name.Trim() };
        }

        return TypedResults.Ok(await CooperativeSearch.RunAsync(database, CallerScope.Of(user), filter, paging, reference, ct));
    }
}
