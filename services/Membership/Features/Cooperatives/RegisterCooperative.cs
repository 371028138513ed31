using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Features.Cooperatives;

/// <summary><c>POST /api/membership/cooperatives</c>: a cooperative joins the movement.</summary>
public static class RegisterCooperative
{
    public sealed record Request(string? Name, string? Siren, string? LegalForm, string? CommuneCode, string? NafCode,
        string? Street = null, string? PostalCode = null, IReadOnlyList<string>? TradeFederations = null,
        int? Headcount = null, int? WorkerMembers = null, bool? ProfitSharingAgreement = null, DateOnly? FoundedOn = null);

    internal sealed record ValidRequest(string Name, string Siren, LegalForm LegalForm, string CommuneCode, string NafCode);

    public static RouteHandlerBuilder MapRegisterCooperative(this RouteGroupBuilder group) =>
        group.MapPost("/", HandleAsync)
            .WithName("RegisterCooperative")
            .WithSummary("Register a cooperative")
            .WithDescription("Checks the SIREN's Luhn key, the legal form, the commune code and the NAF code; publishes CooperativeJoined. Accepts an Idempotency-Key header.")
            .Accepts<Request>("application/json")
            .RequireAuthorization(PlatformPolicies.ManageCooperatives)
            .WithIdempotency<MembershipDbContext>();

    public static async Task<Results<Created<CooperativeResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        HttpRequest http, ClaimsPrincipal user, MembershipDbContext db, FrenchReferenceData reference, RegionalUnions unions,
        TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<Request>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var valid = Validate(request!, reference, errors);
        var details = new CooperativeDetailsInput(request!.Street, request.PostalCode, request.TradeFederations, request.Headcount,
            request.WorkerMembers, request.ProfitSharingAgreement, request.FoundedOn)
            .Validate(errors, ParisCalendar.Today(time));
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var regionalUnion = unions.ForRegion(reference.FindCommune(valid.CommuneCode)!.Region);
        if (!CallerScope.CanManage(user, regionalUnion))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Outside your regional union",
                detail: $"A cooperative in {valid.CommuneCode} belongs to {unions.NameOf(regionalUnion)}; only its delegates or a confederation admin register it.");
        }

        var now = time.GetUtcNow();
        var cooperative = Cooperative.Register(valid.Name, valid.Siren, valid.LegalForm, valid.CommuneCode, valid.NafCode,
            regionalUnion, now);
        cooperative.Describe(details);
        db.Cooperatives.Add(cooperative);
        db.AddIntegrationEvent(
            new CooperativeJoined(Guid.CreateVersion7(now), now, cooperative.Id, cooperative.Name, cooperative.Siren,
                cooperative.LegalForm.ToString().ToUpperInvariant(), cooperative.CommuneCode, cooperative.NafCode,
                cooperative.RegionalUnion, cooperative.Headcount),
            aggregateId: cooperative.Id.ToString());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The unique index on siren decides, so two concurrent registrations of one SIREN cannot both win.
            return SirenTaken(valid.Siren);
        }

        http.HttpContext.Response.Headers.ETag = CooperativeResponse.ETagOf(cooperative);
        return TypedResults.Created($"/api/membership/cooperatives/{cooperative.Id}",
            CooperativeResponse.From(cooperative, reference));
    }

    internal static ValidRequest Validate(Request request, FrenchReferenceData reference, ValidationErrors errors)
    {
        var name = errors.RequireText("name", request.Name, Cooperative.MaxNameLength);

        var siren = "";
        if (string.IsNullOrWhiteSpace(request.Siren))
        {
            errors.Add("siren", "This field is required.");
        }
        else if (!Siren.TryNormalize(request.Siren, out siren))
        {
            errors.Add("siren", "A SIREN is 9 digits whose last one is a Luhn check key; this one is not valid.");
        }

        LegalForm legalForm = default;
        if (string.IsNullOrWhiteSpace(request.LegalForm))
        {
            errors.Add("legalForm", "This field is required.");
        }
        else if (!Enum.TryParse(request.LegalForm.Trim(), ignoreCase: true, out legalForm) || !Enum.IsDefined(legalForm)
                 || request.LegalForm.Trim().All(char.IsAsciiDigit))
        {
            errors.Add("legalForm", "One of SCOP, SCIC or CAE.");
        }

        var communeCode = "";
        if (string.IsNullOrWhiteSpace(request.CommuneCode))
        {
            errors.Add("communeCode", "This field is required.");
        }
        else if (reference.FindCommune(request.CommuneCode) is { } commune)
        {
            communeCode = commune.Code;
        }
        else
        {
            errors.Add("communeCode", "Not a current INSEE commune code (5 characters, e.g. 69123 for Lyon).");
        }

        var nafCode = "";
        if (string.IsNullOrWhiteSpace(request.NafCode))
        {
            errors.Add("nafCode", "This field is required.");
        }
        else if (!reference.TryNormalizeNafCode(request.NafCode, out nafCode, out _))
        {
            errors.Add("nafCode", "Not a NAF rév. 2 sub-class (e.g. 62.01Z).");
        }

        return new ValidRequest(name, siren, legalForm, communeCode, nafCode);
    }

    private static ProblemHttpResult SirenTaken(string siren) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "SIREN already registered",
        detail: $"A cooperative with SIREN {siren} is already registered.");
}
