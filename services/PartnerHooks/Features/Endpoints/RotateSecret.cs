using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.PartnerHooks.Signing;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.PartnerHooks.Features.Endpoints;

/// <summary>
/// <c>POST /api/partner-hooks/endpoints/{id}/secret/rotate</c>: a new signing secret, shown once. For
/// <c>overlapMinutes</c> (default 24 h, at most 7 days) every request carries both signatures, the new one first, so
/// the partner can switch its verification over without losing a delivery.
/// </summary>
public static class RotateSecret
{
    public const int MaxOverlapMinutes = 7 * 24 * 60;

    public sealed record Request(int? OverlapMinutes);

    public static RouteHandlerBuilder MapRotateSecret(this RouteGroupBuilder group) =>
        group.MapPost("/{id:guid}/secret/rotate", HandleAsync)
            .WithName("RotateSecret")
            .WithSummary("Rotate the endpoint's signing secret")
            .WithDescription("Optional body { \"overlapMinutes\": 0–10080 }. Accepts an Idempotency-Key header (a retry does not rotate again, nor show the secret again).")
            .Accepts<Request>(isOptional: true, "application/json")
            .WithIdempotency<PartnerHooksDbContext>();

    public static async Task<Results<SecretShownOnce, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid id, HttpRequest http, PartnerHooksDbContext db, SecretProtector protector, TimeProvider time,
        IOptions<PartnerHooksOptions> options, CancellationToken ct)
    {
        var overlap = options.Value.DefaultRotationOverlap;
        if (http.ContentLength is > 0 || http.Headers.TransferEncoding.Count > 0)
        {
            var (request, problem) = await JsonBody.ReadAsync<Request>(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            if (request!.OverlapMinutes is { } minutes)
            {
                if (minutes is < 0 or > MaxOverlapMinutes)
                {
                    return JsonBody.Invalid("overlapMinutes", $"Between 0 and {MaxOverlapMinutes} minutes.");
                }

                overlap = TimeSpan.FromMinutes(minutes);
            }
        }

        var endpoint = await db.Endpoints.SingleOrDefaultAsync(e => e.Id == id, ct);
        if (endpoint is null)
        {
            return EndpointEndpoints.NotFound(id);
        }

        var secret = WebhookSecret.New();
        endpoint.RotateSecret(protector.Protect(secret), overlap, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return new SecretShownOnce(StatusCodes.Status200OK, null,
            new EndpointSecretResponse(EndpointResponse.From(endpoint), secret));
    }
}
