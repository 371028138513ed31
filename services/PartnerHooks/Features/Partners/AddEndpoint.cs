using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.PartnerHooks.Domain;
using Scop.Aspire.PartnerHooks.Signing;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.PartnerHooks.Features.Partners;

/// <summary>
/// <c>POST /api/partner-hooks/partners/{partnerId}/endpoints</c>: a URL of the partner and the event types it
/// receives. The answer shows the endpoint's signing secret, once; it is kept only encrypted.
/// </summary>
public static class AddEndpoint
{
    public const int MaxEventTypes = 20;

    public sealed record Request(string? Url, string[]? EventTypes, string? Description);

    public static RouteHandlerBuilder MapAddEndpoint(this RouteGroupBuilder group) =>
        group.MapPost("/{partnerId:guid}/endpoints", HandleAsync)
            .WithName("AddEndpoint")
            .WithSummary("Add a webhook endpoint to a partner")
            .WithDescription("url: https outside Development; eventTypes: one or more of scop.membership.cooperative.joined, scop.membership.benefit-enrolment.requested. The answer carries the signing secret (whsec_…), shown this once. Accepts an Idempotency-Key header (a retry gets the Location, not the secret).")
            .Accepts<Request>("application/json")
            .WithIdempotency<PartnerHooksDbContext>();

    public static async Task<Results<SecretShownOnce, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid partnerId, HttpRequest http, PartnerHooksDbContext db, UrlPolicy urls, SecretProtector protector,
        TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<Request>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var url = urls.Validate("url", request!.Url, errors);
        var eventTypes = ValidateEventTypes(request.EventTypes, errors);
        var description = request.Description?.Trim();
        if (description is { Length: > WebhookEndpoint.MaxDescriptionLength })
        {
            errors.Add("description", $"At most {WebhookEndpoint.MaxDescriptionLength} characters.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (!await db.Partners.AnyAsync(p => p.Id == partnerId, ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Partner not found",
                detail: $"No partner has the id {partnerId}.");
        }

        var secret = WebhookSecret.New();
        var endpoint = WebhookEndpoint.Create(partnerId, url, string.IsNullOrEmpty(description) ? null : description,
            eventTypes, protector.Protect(secret), time.GetUtcNow());
        db.Endpoints.Add(endpoint);
        await db.SaveChangesAsync(ct);
        return new SecretShownOnce(StatusCodes.Status201Created, $"/api/partner-hooks/endpoints/{endpoint.Id}",
            new EndpointSecretResponse(EndpointResponse.From(endpoint), secret));
    }

    internal static string[] ValidateEventTypes(string[]? eventTypes, ValidationErrors errors)
    {
        if (eventTypes is null || eventTypes.Length == 0)
        {
            errors.Add("eventTypes", "At least one event type.");
            return [];
        }

        if (eventTypes.Length > MaxEventTypes)
        {
            errors.Add("eventTypes", $"At most {MaxEventTypes} event types.");
            return [];
        }

        var unknown = eventTypes.Where(t => t is null || !EventTypes.Subscribable.Contains(t, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            errors.Add("eventTypes", $"Unknown event type(s): {string.Join(", ", unknown.Select(t => t ?? "null"))}. Known: {string.Join(", ", EventTypes.Subscribable)}.");
        }

        return eventTypes.Where(t => t is not null).Distinct(StringComparer.Ordinal).ToArray();
    }
}
