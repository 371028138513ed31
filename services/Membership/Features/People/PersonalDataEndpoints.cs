using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Features.Benefits;
using Scop.Aspire.Membership.Features.Mandates;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Membership.Features.People;

public sealed record TrainingCompletionResponse(string CoursePath, string CourseTitle, string? CertificateNumber, DateOnly CompletedOn);

/// <summary>Everything the register holds about one person.</summary>
public sealed record PersonalDataExport(
    DateTimeOffset ExportedAt,
    PersonResponse Person,
    IReadOnlyList<EnrolmentResponse> BenefitEnrolments,
    IReadOnlyList<MandateResponse> Mandates,
    IReadOnlyList<TrainingCompletionResponse> TrainingCompletions);

/// <summary>
/// The rights of a person over their data: export (<c>GET /people/{id}/export</c>) and erasure
/// (<c>POST /people/{id}/erasure</c>: personal fields anonymised, roles, mandates and enrolments kept without what
/// identifies the person; publishes PersonErased so every other service does its part).
/// </summary>
public static class PersonalDataEndpoints
{
    public static IEndpointRouteBuilder MapPersonalData(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/membership/people/{id:guid}").WithTags("Personal data");
        // Asked by the person of their employer as of their union: the cooperative's manager answers for their own people.
        group.MapGet("/export", ExportAsync).WithName("ExportPerson").WithSummary("Everything about a person, as JSON")
            .RequireAuthorization(PlatformPolicies.CooperativeSelfService);
        group.MapPost("/erasure", EraseAsync).WithName("ErasePerson")
            .WithSummary("Erase a person's personal data (publishes PersonErased)")
            .RequireAuthorization(PlatformPolicies.CooperativeSelfService);
        return app;
    }

    public static async Task<Results<Ok<PersonalDataExport>, ProblemHttpResult>> ExportAsync(Guid id, ClaimsPrincipal user,
        MembershipDbContext db, TimeProvider time, CancellationToken ct)
    {
        var person = await PersonAccess.FindReadableAsync(db, user, id, ct);
        if (person is null)
        {
            return PersonAccess.NotFound(id);
        }

        if (!CallerScope.CanActFor(user, person.RegionalUnion, person.CooperativeId))
        {
            return PersonAccess.OutsideUnion();
        }

        var enrolments = await db.BenefitEnrolments.AsNoTracking().Where(e => e.PersonId == id).OrderBy(e => e.ConsentedAt).ToListAsync(ct);
        var mandates = await db.Mandates.AsNoTracking().Where(m => m.PersonId == id).OrderBy(m => m.StartsOn).ToListAsync(ct);
        var completions = await db.TrainingCompletions.AsNoTracking().Where(c => c.PersonId == id).OrderBy(c => c.CompletedOn).ToListAsync(ct);
        return TypedResults.Ok(new PersonalDataExport(time.GetUtcNow(), PersonResponse.From(person),
            enrolments.Select(e => new EnrolmentResponse(e.Id, e.PersonId, e.BenefitCode,
                Domain.BenefitCatalogue.Find(e.BenefitCode)?.PartnerCode, e.ConsentedFields, e.ConsentedAt)).ToList(),
            mandates.Select(MandateEndpoints.From).ToList(),
            completions.Select(c => new TrainingCompletionResponse(c.CoursePath, c.CourseTitle, c.CertificateNumber, c.CompletedOn)).ToList()));
    }

    public static async Task<Results<Ok<PersonResponse>, ProblemHttpResult>> EraseAsync(Guid id, ClaimsPrincipal user,
        MembershipDbContext db, TimeProvider time, CancellationToken ct)
    {
        var person = await PersonAccess.FindReadableAsync(db, user, id, ct, tracked: true);
        if (person is null)
        {
            return PersonAccess.NotFound(id);
        }

        if (!CallerScope.CanActFor(user, person.RegionalUnion, person.CooperativeId))
        {
            return PersonAccess.OutsideUnion();
        }

        if (person.IsErased)
        {
            return TypedResults.Ok(PersonResponse.From(person)); // erased before: nothing more to do, nothing published again
        }

        var now = time.GetUtcNow();
        person.Erase(now);
        foreach (var completion in await db.TrainingCompletions.Where(c => c.PersonId == id).ToListAsync(ct))
        {
            completion.CertificateNumber = null;
        }

        // The register's own copies: its kept idempotent answers (a hire's holds the name) and outbox rows about the
        // person. The announcement itself names the person too: it leaves, and is not kept.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.ForgetPersonAsync(id, ct);
        db.AddIntegrationEvent(new PersonErased(Guid.CreateVersion7(now), now, id), id.ToString()).DeleteWhenSent = true;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(PersonResponse.From(person));
    }
}
