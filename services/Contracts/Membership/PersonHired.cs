namespace Scop.Aspire.Contracts.Membership;

/// <summary>
/// A person joined a cooperative's staff. <paramref name="Role"/> is the role they were hired in (<c>employee</c>,
/// <c>worker-member</c> or <c>manager</c>); <paramref name="Email"/> is the address the register holds for them, the one
/// personal field carried, so that they can be told what concerns them and get an account. Both were added later: null
/// in events published before.
/// </summary>
public sealed record PersonHired(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid PersonId,
    Guid CooperativeId,
    string RegionalUnion,
    DateOnly HiredOn,
    string? Role = null,
    string? Email = null) : IIntegrationEvent;

/// <summary>
/// A person of a cooperative took up another role from <paramref name="StartsOn"/> (<paramref name="Role"/>:
/// <c>employee</c>, <c>worker-member</c> or <c>manager</c>), beside those they hold.
/// </summary>
public sealed record PersonRoleStarted(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid PersonId,
    Guid CooperativeId,
    string RegionalUnion,
    string Role,
    DateOnly StartsOn) : IIntegrationEvent;

/// <summary>The register's names of the roles in events.</summary>
public static class PersonRoles
{
    public const string Employee = "employee";
    public const string WorkerMember = "worker-member";
    public const string Manager = "manager";
}
