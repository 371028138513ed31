using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Scop.Aspire.PartnerHooks.Domain;

namespace Scop.Aspire.PartnerHooks.Features;

public sealed record PartnerResponse(Guid Id, string Code, string Name, DateTimeOffset CreatedAt)
{
    public static PartnerResponse From(Partner partner) => new(partner.Id, partner.Code, partner.Name, partner.CreatedAt);
}

public sealed record EndpointResponse(
    Guid Id,
    Guid PartnerId,
    string Url,
    string? Description,
    IReadOnlyList<string> EventTypes,
    bool Enabled,
    DateTimeOffset? DisabledAt,
    string? DisabledReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PreviousSecretExpiresAt)
{
    public static EndpointResponse From(WebhookEndpoint endpoint) => new(endpoint.Id, endpoint.PartnerId, endpoint.Url,
        endpoint.Description, endpoint.EventTypes, endpoint.Enabled, endpoint.DisabledAt, endpoint.DisabledReason,
        endpoint.CreatedAt, endpoint.PreviousProtectedSecret is null ? null : endpoint.PreviousSecretExpiresAt);
}

/// <summary>An endpoint with its new signing secret: the one answer that ever shows the secret.</summary>
public sealed record EndpointSecretResponse(EndpointResponse Endpoint, string Secret);

public sealed record AttemptResponse(DateTimeOffset AttemptedAt, int? StatusCode, int LatencyMs, bool Succeeded, string? Error);

public sealed record DeliveryResponse(
    Guid Id,
    Guid EndpointId,
    Guid EventId,
    string EventType,
    string WebhookId,
    DeliveryStatus Status,
    int AttemptCount,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastAttemptAt,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset? CompletedAt,
    int ReplayCount,
    IReadOnlyList<AttemptResponse> Attempts)
{
    public static DeliveryResponse From(Domain.Delivery d, IEnumerable<DeliveryAttempt> attempts) => new(d.Id, d.EndpointId,
        d.EventId, d.EventType, d.WebhookId, d.Status, d.AttemptCount,
        d.Status == DeliveryStatus.Pending ? d.NextAttemptAt : null, d.CreatedAt, d.LastAttemptAt, d.LastStatusCode,
        d.LastError, d.CompletedAt, d.ReplayCount,
        attempts.Select(a => new AttemptResponse(a.AttemptedAt, a.StatusCode, a.LatencyMs, a.Succeeded, a.Error)).ToList());
}

/// <summary>
/// A 201/200 answer that carries a signing secret. Unlike <c>TypedResults.Created</c> it exposes no value to the
/// idempotency filter, so a kept answer (in the database) never holds the raw secret: a retry with the same
/// Idempotency-Key gets the status and Location, not the secret again — it is shown once.
/// </summary>
public sealed class SecretShownOnce(int statusCode, string? location, EndpointSecretResponse value)
    : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public int StatusCode { get; } = statusCode;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    /// <summary>Read by the idempotency filter to answer a retry.</summary>
    public string? Location { get; } = location;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCode;
        httpContext.Response.Headers.CacheControl = "no-store";
        if (Location is not null)
        {
            httpContext.Response.Headers.Location = Location;
        }

        await httpContext.Response.WriteAsJsonAsync(value);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status201Created, typeof(EndpointSecretResponse), ["application/json"]));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(EndpointSecretResponse), ["application/json"]));
    }
}
