namespace Scop.Aspire.Contracts.Identity;

/// <summary>
/// An account was made for a person the register hired: they choose its password through <paramref name="ActivationLink"/>,
/// which works once, until <paramref name="ExpiresAt"/>. The link is a secret for that time: whoever tells the person
/// (by e-mail to <paramref name="Email"/>) keeps it no longer than it takes to send it.
/// </summary>
public sealed record AccountInvited(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid PersonId,
    string Email,
    string ActivationLink,
    DateTimeOffset ExpiresAt) : IIntegrationEvent;
