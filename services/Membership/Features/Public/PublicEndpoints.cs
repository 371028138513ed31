using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.Membership.Features.People;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Features.Public;

/// <summary>A cooperative as anyone may see it: what the public register says, and whether it belongs to the movement today.</summary>
public sealed record PublicCooperativeCard(
    Guid Id,
    string Name,
    LegalForm LegalForm,
    string? CommuneName,
    string? Departement,
    string? Region,
    string? NafLabel,
    DateOnly? FoundedOn,
    bool MemberOfTheMovement);

public sealed record LegalFormCount(LegalForm LegalForm, int Cooperatives);

/// <summary>The register's figures for the Congress: cooperatives registered, by legal form, and those whose membership is in good standing today.</summary>
public sealed record RegisterFigures(DateOnly AsOf, int Cooperatives, int MembersInGoodStanding, IReadOnlyList<LegalFormCount> ByLegalForm);

/// <summary>
/// <c>/api/membership/public/...</c>: the anonymous part of the register, for the public pages of the web front-end.
/// Only what is public anyway (a cooperative's name, form, place and trade) and counts; never a person, an address,
/// a SIREN, dues or anything a delegate's scope protects.
/// </summary>
public static class PublicEndpoints
{
    public static IEndpointRouteBuilder MapPublicRegister(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/membership/public").WithTags("Public").AllowAnonymous();
        group.MapGet("/cooperatives/{id:guid}", GetCardAsync).WithName("GetPublicCooperativeCard")
            .WithSummary("A cooperative's public card");
        group.MapGet("/figures", GetFiguresAsync).WithName("GetRegisterFigures")
            .WithSummary("Cooperatives registered, by legal form, and members in good standing today");
        return app;
    }

    public static async Task<Results<Ok<PublicCooperativeCard>, ProblemHttpResult>> GetCardAsync(Guid id,
        MembershipDbContext db, FrenchReferenceData reference, TimeProvider time, CancellationToken ct)
    {
        var cooperative = await db.Cooperatives.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (cooperative is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Cooperative not found",
                detail: $"No cooperative has the id {id}.");
        }

        var today = ParisCalendar.Today(time);
        var membership = await db.Memberships.AsNoTracking().Include(m => m.Terms)
            .SingleOrDefaultAsync(m => m.CooperativeId == id, ct);
        var commune = reference.FindCommune(cooperative.CommuneCode);
        reference.TryNormalizeNafCode(cooperative.NafCode, out _, out var nafLabel);
        return TypedResults.Ok(new PublicCooperativeCard(cooperative.Id, cooperative.Name, cooperative.LegalForm,
            commune?.Name, commune?.Departement, commune?.Region, nafLabel.Length == 0 ? null : nafLabel,
            cooperative.FoundedOn,
            membership is not null && MembershipRules.IsInGoodStanding(membership.StatusOn(today))));
    }

    public static async Task<Ok<RegisterFigures>> GetFiguresAsync(MembershipDbContext db, TimeProvider time, CancellationToken ct)
    {
        var today = ParisCalendar.Today(time);
        var byForm = await db.Cooperatives.AsNoTracking().GroupBy(c => c.LegalForm)
            .Select(g => new { LegalForm = g.Key, Count = g.Count() }).ToListAsync(ct);
        // In good standing (New, Current or Grace): a paid term has begun and today is at most the grace period past
        // the last term's end — MembershipRules.StatusOn, said in SQL.
        var graceFloor = today.AddDays(-MembershipRules.GraceDays);
        var inGoodStanding = await db.Memberships.AsNoTracking()
            .CountAsync(m => m.PaidThrough != null && m.PaidThrough >= graceFloor && m.Terms.Any(t => t.StartsOn <= today), ct);
        var lines = Enum.GetValues<LegalForm>()
            .Select(form => new LegalFormCount(form, byForm.SingleOrDefault(f => f.LegalForm == form)?.Count ?? 0)).ToList();
        return TypedResults.Ok(new RegisterFigures(today, lines.Sum(l => l.Cooperatives), inGoodStanding, lines));
    }
}
