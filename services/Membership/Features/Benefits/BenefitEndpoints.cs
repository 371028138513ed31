using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.Membership.Features.People;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Features.Benefits;

public sealed record EnrolmentResponse(Guid Id, Guid PersonId, string BenefitCode, string? PartnerCode,
    IReadOnlyList<string> ConsentedFields, DateTimeOffset ConsentedAt);

/// <summary>
/// The benefit catalogue (<c>GET /api/membership/benefits</c>) and enrolments
/// (<c>POST /api/membership/people/{id}/benefit-enrolments</c>): the person's consent names the personal fields the
/// partner receives; BenefitEnrolmentRequested carries those and no other.
/// </summary>
public static class BenefitEndpoints
{
    public sealed record EnrolRequest(string? BenefitCode, IReadOnlyList<string>? ConsentedFields);

    private static readonly string[] Fields =
    [
        PersonalData.GivenNameField, PersonalData.FamilyNameField, PersonalData.EmailField, PersonalData.PhoneField,
        PersonalData.BirthDateField,
    ];

    public static IEndpointRouteBuilder MapBenefits(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/membership/benefits", () => TypedResults.Ok(BenefitCatalogue.All)).WithTags("Benefits")
            .WithName("ListBenefits").WithSummary("The benefit catalogue").RequireAuthorization(PlatformPolicies.Authenticated);
        var people = app.MapGroup("/api/membership/people/{id:guid}/benefit-enrolments").WithTags("Benefits");
        people.MapPost("/", EnrolAsync).WithName("EnrolInBenefit")
            .WithSummary("Enrol a person in a benefit, with their consent (publishes BenefitEnrolmentRequested for a partner's benefit)")
            .Accepts<EnrolRequest>("application/json").RequireAuthorization(PlatformPolicies.ManageCooperatives)
            .WithIdempotency<MembershipDbContext>();
        people.MapGet("/", ListAsync).WithName("ListEnrolments").WithSummary("A person's enrolments, paged")
            .RequireAuthorization(PlatformPolicies.ReadCooperatives);
        return app;
    }

    public static async Task<Results<Created<EnrolmentResponse>, ValidationProblem, ProblemHttpResult>> EnrolAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, MembershipDbContext db, TimeProvider time, CancellationToken ct)
    {
        var person = await PersonAccess.FindReadableAsync(db, user, id, ct);
        if (person is null)
        {
            return PersonAccess.NotFound(id);
        }

        if (!CallerScope.CanManage(user, person.RegionalUnion))
        {
            return PersonAccess.OutsideUnion();
        }

        return await EnrolPersonAsync(person, $"/api/membership/people/{person.Id}/benefit-enrolments", http, db, time, ct);
    }

    /// <summary>
    /// Enrols this person (whom the caller may enrol: checked before) with the consent the request carries; the answer
    /// points at <paramref name="enrolmentsPath"/>, where the caller reads the person's enrolments.
    /// </summary>
    public static async Task<Results<Created<EnrolmentResponse>, ValidationProblem, ProblemHttpResult>> EnrolPersonAsync(Person person,
        string enrolmentsPath, HttpRequest http, MembershipDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<EnrolRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var benefit = BenefitCatalogue.Find(request!.BenefitCode);
        if (string.IsNullOrWhiteSpace(request.BenefitCode))
        {
            errors.Add("benefitCode", "This field is required.");
        }
        else if (benefit is null)
        {
            errors.Add("benefitCode", $"One of {string.Join(", ", BenefitCatalogue.All.Select(b => b.Code))}.");
        }

        var consented = (request.ConsentedFields ?? []).Select(f => f?.Trim() ?? "").Distinct().ToList();
        foreach (var unknown in consented.Where(f => !Fields.Contains(f)))
        {
            errors.Add("consentedFields", $"'{unknown}' is not a personal field one may share; one of {string.Join(", ", Fields)}.");
        }

        if (benefit?.PartnerCode is not null && consented.Count == 0)
        {
            errors.Add("consentedFields", "A partner's benefit needs the person's consent to share at least one field.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var today = ParisCalendar.Today(time);
        if (person.IsErased || person.HasLeft(today))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not an active member",
                detail: "Only a person still working in a cooperative enrols in a benefit.");
        }

        var now = time.GetUtcNow();
        var enrolment = new BenefitEnrolment
        {
            Id = Guid.CreateVersion7(now), PersonId = person.Id, CooperativeId = person.CooperativeId,
            BenefitCode = benefit!.Code, ConsentedFields = consented, ConsentedAt = now,
        };
        db.BenefitEnrolments.Add(enrolment);
        if (benefit.PartnerCode is { } partner)
        {
            bool Shares(string field) => consented.Contains(field);
            db.AddIntegrationEvent(new BenefitEnrolmentRequested(Guid.CreateVersion7(now), now, enrolment.Id, person.Id,
                person.CooperativeId, benefit.Code, partner, new PersonalData(consented,
                    Shares(PersonalData.GivenNameField) ? person.GivenName : null,
                    Shares(PersonalData.FamilyNameField) ? person.FamilyName : null,
                    Shares(PersonalData.EmailField) ? person.Email : null,
                    Shares(PersonalData.PhoneField) ? person.Phone : null,
                    Shares(PersonalData.BirthDateField) ? person.BirthDate : null)), person.Id.ToString());
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already enrolled",
                detail: $"The person is already enrolled in {benefit.Code}.");
        }

        return TypedResults.Created(enrolmentsPath,
            new EnrolmentResponse(enrolment.Id, person.Id, benefit.Code, benefit.PartnerCode, consented, now));
    }

    public static async Task<Results<Ok<PagedList<EnrolmentResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(Guid id,
        ClaimsPrincipal user, MembershipDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        if (await PersonAccess.FindReadableAsync(db, user, id, ct) is null)
        {
            return PersonAccess.NotFound(id);
        }

        return TypedResults.Ok(await EnrolmentsOfAsync(db, id, paging, ct));
    }

    public static async Task<PagedList<EnrolmentResponse>> EnrolmentsOfAsync(MembershipDbContext db, Guid id, PageRequest paging,
        CancellationToken ct)
    {
        var query = db.BenefitEnrolments.AsNoTracking().Where(e => e.PersonId == id);
        var total = await query.LongCountAsync(ct);
        var items = await query.OrderBy(e => e.ConsentedAt).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return new PagedList<EnrolmentResponse>(items.Select(e => new EnrolmentResponse(e.Id, e.PersonId,
            e.BenefitCode, BenefitCatalogue.Find(e.BenefitCode)?.PartnerCode, e.ConsentedFields, e.ConsentedAt)).ToList(),
            paging.Page, paging.PageSize, total);
    }
}
