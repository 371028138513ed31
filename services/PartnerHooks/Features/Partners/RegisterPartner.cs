using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.PartnerHooks.Domain;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.PartnerHooks.Features.Partners;

/// <summary><c>POST /api/partner-hooks/partners</c>: a partner that will receive webhooks.</summary>
public static class RegisterPartner
{
    public sealed record Request(string? Code, string? Name);

    public static RouteHandlerBuilder MapRegisterPartner(this RouteGroupBuilder group) =>
        group.MapPost("/", HandleAsync)
            .WithName("RegisterPartner")
            .WithSummary("Register a partner")
            .WithDescription("code: lower-case letters, digits and dashes (≤ 50), unique; name ≤ 200. Accepts an Idempotency-Key header.")
            .Accepts<Request>("application/json")
            .WithIdempotency<PartnerHooksDbContext>();

    public static async Task<Results<Created<PartnerResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        HttpRequest http, PartnerHooksDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<Request>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var code = errors.RequireText("code", request!.Code, Partner.MaxCodeLength);
        if (code.Length is > 0 and <= Partner.MaxCodeLength && !Partner.IsValidCode(code))
        {
            errors.Add("code", PartnerCode.Help);
        }

        var name = errors.RequireText("name", request.Name, Partner.MaxNameLength);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (await db.Partners.AnyAsync(p => p.Code == code, ct))
        {
            return CodeTaken(code);
        }

        var partner = Partner.Register(code, name, time.GetUtcNow());
        db.Partners.Add(partner);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return CodeTaken(code);
        }

        return TypedResults.Created($"/api/partner-hooks/partners/{partner.Id}", PartnerResponse.From(partner));
    }

    private static ProblemHttpResult CodeTaken(string code) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict, title: "Partner code already registered",
        detail: $"A partner with code {code} is already registered.");
}
