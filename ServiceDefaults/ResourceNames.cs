namespace Scop.Aspire.ServiceDefaults;

/// <summary>
/// Names of the resources the AppHost declares. Services read their connection strings and discover each other
/// by these names, so they live in one place.
/// </summary>
public static class ResourceNames
{
    public const string Postgres = "postgres";
    public const string RabbitMq = "rabbitmq";
    public const string Redis = "redis";

    public const string MembershipDatabase = "membershipdb";
    public const string PortalDatabase = "portaldb";
    public const string PartnerHooksDatabase = "partnerhooksdb";
    public const string IdentityDatabase = "identitydb";
    public const string TrainingDatabase = "trainingdb";

    public const string Membership = "membership";
    public const string Portal = "portal";
    public const string PartnerHooks = "partner-hooks";
    public const string Identity = "identity";
    public const string Training = "training";
    public const string Gateway = "gateway";
}
