namespace Scop.Aspire.Contracts.PartnerHooks;

/// <summary>
/// A partner's webhook endpoint no longer receives deliveries: it answered <c>410 Gone</c>, or it kept failing for
/// days. Whoever tells partners (by e-mail, in their space) acts on it; the endpoint is enabled again through the
/// partner-hooks API.
/// </summary>
public sealed record PartnerEndpointDisabled(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid PartnerId,
    string PartnerCode,
    Guid EndpointId,
    string Url,
    string Reason) : IIntegrationEvent;
