using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.RepriseWatch.Features.Opportunities;

/// <summary>
/// <c>POST /api/reprise-watch/opportunities</c>: a person of a member cooperative (or its manager, or a delegate, or
/// staff) reports a company that may be taken over. Its SIREN (Luhn-checked) makes it one opportunity whoever reports
/// it: a company reported again is the same opportunity with one more reporter (<c>200</c>, and the stricter
/// confidentiality of the two), never a second one (<c>201</c> for a new one). Its commune decides its regional union,
/// whose delegates qualify it. The reporter and their cooperative come from the token and the register.
/// </summary>
public static class ReportOpportunity
{
    public sealed record Request(string? Siren, string? CompanyName, string? NafCode, string? CommuneCode, int? Headcount,
        string? Cause, string? OwnerAgeBand, string? CauseDetail, DateOnly? Deadline, string? Confidentiality);

    public static RouteHandlerBuilder MapReportOpportunity(this RouteGroupBuilder group) =>
        group.MapPost("/opportunities", HandleAsync).WithName("ReportOpportunity")
            .WithSummary("Report a company that may be taken over (the same SIREN again adds a reporter)")
            .Accepts<Request>("application/json").WithIdempotency<RepriseWatchDbContext>()
            .RequireAuthorization(PlatformPolicies.Person);

    public static async Task<Results<Created<OpportunityResponse>, Ok<OpportunityResponse>, ValidationProblem, ProblemHttpResult>>
        HandleAsync(HttpRequest http, ClaimsPrincipal user, RepriseWatchDbContext db, FrenchReferenceData reference,
            RegionalUnions unions, TimeProvider time, IOptions<RepriseWatchOptions> options, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<Request>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var now = time.GetUtcNow();
        var errors = new ValidationErrors();
        var facts = Validate(request!, reference, ParisCalendar.DateOf(now), errors);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var union = unions.ForRegion(reference.FindCommune(facts.CommuneCode)!.Region);
        var scope = user.Scope();
        if (await scope.ReporterAsync(db, union, ct) is not { } reporter)
        {
            return RepriseWatchAccess.Forbidden("Not a reporter of the watch",
                "Opportunities are reported by the people of the register's cooperatives and their managers, and by the delegates of the company's regional union and staff.");
        }

        if (await db.Cooperatives.AnyAsync(c => c.Siren == facts.Siren, ct))
        {
            return Problems.Broken(PipelineRules.AlreadyACooperative);
        }

        await using var own = await db.BeginUnlessInTransactionAsync(ct);
        var staleAfter = options.Value.StaleAfter;
        var opportunity = Opportunity.Report(facts, union, now);
        opportunity.Reporters.Add(NewReporter(opportunity.Id, reporter, facts.Confidentiality, now));
        db.Opportunities.Add(opportunity);
        Pipeline.Stepped(db, opportunity, from: null, RepriseWatchAccess.ActorOf(user), staleAfter, now);
        try
        {
            // Inside a transaction, EF Core saves under a savepoint and rolls back to it if the insert fails.
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Reported before (or by someone else this very moment): the same opportunity, one more reporter.
            db.ChangeTracker.Clear();
            var merged = await MergeAsync(db, facts, reporter, staleAfter, now, ct);
            if (own is not null)
            {
                await own.CommitAsync(ct);
            }

            return TypedResults.Ok(OpportunityResponse.From(merged, scope, reference));
        }

        if (own is not null)
        {
            await own.CommitAsync(ct);
        }

        return TypedResults.Created($"/api/reprise-watch/opportunities/{opportunity.Id}",
            OpportunityResponse.From(opportunity, scope, reference));
    }

    /// <summary>The opportunity of this SIREN, locked, with the reporter added unless they reported it already.</summary>
    private static async Task<Opportunity> MergeAsync(RepriseWatchDbContext db, OpportunityFacts facts, ReporterIdentity reporter,
        TimeSpan staleAfter, DateTimeOffset now, CancellationToken ct)
    {
        var opportunity = await db.Opportunities.FromSql($"SELECT *, xmin FROM opportunities WHERE siren = {facts.Siren}::bpchar FOR UPDATE")
            .SingleAsync(ct);
        await db.Entry(opportunity).Collection(o => o.Reporters).LoadAsync(ct);
        var known = reporter.PersonId is { } person
            ? opportunity.Reporters.Any(r => r.PersonId == person)
            : opportunity.Reporters.Any(r => r.PersonId == null && r.CooperativeId == reporter.CooperativeId);
        if (!known)
        {
            var added = NewReporter(opportunity.Id, reporter, facts.Confidentiality, now);
            opportunity.Reporters.Add(added);
            db.Reporters.Add(added);
            if (opportunity.IsOpen)
            {
                opportunity.ReportedAgain(facts.Confidentiality, now);
                Pipeline.Active(db, opportunity, staleAfter, now);
            }

            await db.SaveChangesAsync(ct);
        }

        return opportunity;
    }

    private static OpportunityReporter NewReporter(Guid opportunityId, ReporterIdentity reporter, Confidentiality level,
        DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        OpportunityId = opportunityId,
        PersonId = reporter.PersonId,
        CooperativeId = reporter.CooperativeId,
        ReportedAt = now,
        Confidentiality = level,
    };

    private static OpportunityFacts Validate(Request r, FrenchReferenceData reference, DateOnly today, ValidationErrors errors)
    {
        if (!Siren.TryNormalize(r.Siren, out var siren))
        {
            errors.Add("siren", r.Siren is null ? "This field is required." : "Nine digits whose last is the Luhn key of the first eight.");
        }

        var name = errors.RequireText("companyName", r.CompanyName, Opportunity.MaxNameLength);
        string nafCode = "";
        if (string.IsNullOrWhiteSpace(r.NafCode))
        {
            errors.Add("nafCode", "This field is required.");
        }
        else if (!reference.TryNormalizeNafCode(r.NafCode, out nafCode, out _))
        {
            errors.Add("nafCode", "A sub-class of the NAF rév. 2 (e.g. 13.20Z).");
        }

        var commune = reference.FindCommune(r.CommuneCode);
        if (string.IsNullOrWhiteSpace(r.CommuneCode))
        {
            errors.Add("communeCode", "This field is required.");
        }
        else if (commune is null)
        {
            errors.Add("communeCode", "The INSEE code of a current commune (e.g. 69123).");
        }

        if (r.Headcount is not { } headcount)
        {
            errors.Add("headcount", "This field is required.");
            headcount = 0;
        }
        else if (headcount is < 0 or > Opportunity.MaxHeadcount)
        {
            errors.Add("headcount", $"Between 0 and {Opportunity.MaxHeadcount}.");
        }

        var cause = Input.ParseEnum<TakeoverCause>(errors, "cause", r.Cause, required: true);
        var ageBand = Input.ParseEnum<OwnerAgeBand>(errors, "ownerAgeBand", r.OwnerAgeBand, required: cause == TakeoverCause.OwnerRetiring);
        if (ageBand is not null && cause is not (null or TakeoverCause.OwnerRetiring))
        {
            errors.Add("ownerAgeBand", "Only when the cause is OwnerRetiring.");
        }

        var detail = Input.OptionalText(errors, "causeDetail", r.CauseDetail, Opportunity.MaxCauseDetailLength);
        if (cause == TakeoverCause.Other && detail is null)
        {
            errors.Add("causeDetail", "Say what the cause is when it is Other.");
        }

        if (r.Deadline is { } deadline && deadline < today)
        {
            errors.Add("deadline", "A deadline still to come (or none).");
        }

        var confidentiality = Input.ParseEnum<Confidentiality>(errors, "confidentiality", r.Confidentiality, required: false)
            ?? Confidentiality.Restricted;
        return new OpportunityFacts(siren, name, nafCode, commune?.Code ?? "", headcount, cause ?? default, ageBand, detail,
            r.Deadline, confidentiality);
    }
}
