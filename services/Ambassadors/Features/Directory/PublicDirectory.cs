using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.Ambassadors.Features.Directory;

/// <summary>
/// <c>GET /api/ambassadors/directory?region=&amp;departement=&amp;commune=&amp;naf=</c>: the labelled Ambassades, by
/// name, paged; <c>GET /api/ambassadors/directory/{id}</c>: one of them. Anonymous: project holders find them without an
/// account. Only labelled ones: an application, a
/// suspended, withdrawn or expired label never appears.
/// </summary>
public static class PublicDirectory
{
    public static RouteGroupBuilder MapPublicDirectory(this RouteGroupBuilder group)
    {
        group.MapGet("/directory", ListAsync).WithName("ListDirectory")
            .WithSummary("The labelled Ambassades by région, département, commune or NAF division, paged")
            .AllowAnonymous();
        group.MapGet("/directory/{id:guid}", GetAsync).WithName("GetDirectoryEntry")
            .WithSummary("One labelled Ambassade as the directory shows it (404 for any other)")
            .AllowAnonymous();
        return group;
    }

    /// <summary>One Ambassade of the directory, as an enquiry form names it; an application or a label not in force is not found.</summary>
    public static async Task<Results<Ok<DirectoryEntry>, ProblemHttpResult>> GetAsync(Guid id, AmbassadorsDbContext db, FrenchPlaces places,
        CancellationToken ct)
    {
        var ambassade = await db.Ambassades.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id && a.Status == LabelStatus.Labelled, ct);
        return ambassade is null ? Problems.NotFound("Labelled Ambassade", id) : TypedResults.Ok(Entry(ambassade, places));
    }

    public static async Task<Results<Ok<PagedList<DirectoryEntry>>, ValidationProblem>> ListAsync(AmbassadorsDbContext db,
        FrenchPlaces places, CancellationToken ct, int? page = null, int? pageSize = null, string? region = null,
        string? departement = null, string? commune = null, string? naf = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        region = region?.Trim();
        departement = departement?.Trim().ToUpperInvariant();
        commune = commune?.Trim().ToUpperInvariant();
        naf = naf?.Trim().ToUpperInvariant();
        if (!string.IsNullOrEmpty(region) && !places.IsRegion(region))
        {
            errors.Add("region", "An INSEE région code (e.g. 84 for Auvergne-Rhône-Alpes).");
        }

        if (!string.IsNullOrEmpty(departement) && !places.IsDepartement(departement))
        {
            errors.Add("departement", "An INSEE département code (e.g. 69, 2A, 974).");
        }

        if (!string.IsNullOrEmpty(commune) && places.FindCommune(commune) is null)
        {
            errors.Add("commune", "An INSEE code of a current commune (e.g. 69123 for Lyon).");
        }

        if (!string.IsNullOrEmpty(naf) && !places.IsNafDivision(naf) && !places.IsNafCode(naf))
        {
            errors.Add("naf", "A NAF division (62) or sub-class (62.01Z).");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var query = db.Ambassades.AsNoTracking().Where(a => a.Status == LabelStatus.Labelled);
        if (!string.IsNullOrEmpty(region))
        {
            query = query.Where(a => a.Region == region);
        }

        if (!string.IsNullOrEmpty(departement))
        {
            query = query.Where(a => a.Departement == departement);
        }

        if (!string.IsNullOrEmpty(commune))
        {
            query = query.Where(a => a.CommuneCode == commune);
        }

        if (naf is { Length: 2 })
        {
            query = query.Where(a => a.NafDivision == naf);
        }
        else if (!string.IsNullOrEmpty(naf))
        {
            query = query.Where(a => a.NafCode == naf);
        }

        var total = await query.LongCountAsync(ct);
        var items = await query.OrderBy(a => a.Name).ThenBy(a => a.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<DirectoryEntry>(items.Select(a => Entry(a, places)).ToList(), paging.Page,
            paging.PageSize, total));
    }

    public static DirectoryEntry Entry(Ambassade a, FrenchPlaces places) => new(a.Id, a.Name, a.LegalForm, a.NafCode,
        a.CommuneCode, places.FindCommune(a.CommuneCode)?.Name ?? a.CommuneCode, a.Departement, a.Region, a.Latitude,
        a.Longitude, a.LabelledOn);
}
