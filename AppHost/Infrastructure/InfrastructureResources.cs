namespace Scop.Aspire.AppHost.Infrastructure;

/// <summary>
/// What the services connect to (PostgreSQL databases, the broker, Redis, the SMTP server), whichever way the servers run. Each is a resource with a connection string
/// that a project can reference and wait for.
/// </summary>
public sealed record InfrastructureResources(
    IResourceBuilder<IResourceWithConnectionString> MembershipDatabase,
    IResourceBuilder<IResourceWithConnectionString> PortalDatabase,
    IResourceBuilder<IResourceWithConnectionString> PartnerHooksDatabase,
    IResourceBuilder<IResourceWithConnectionString> IdentityDatabase,
    IResourceBuilder<IResourceWithConnectionString> TrainingDatabase,
    IResourceBuilder<IResourceWithConnectionString> NotificationsDatabase,
    IResourceBuilder<IResourceWithConnectionString> RepriseWatchDatabase,
    IResourceBuilder<IResourceWithConnectionString> AmbassadorsDatabase,
    IResourceBuilder<IResourceWithConnectionString> RabbitMq,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<IResourceWithConnectionString> Mail);

/// <summary>Names of the PostgreSQL databases inside the server (the resource names are in <c>ResourceNames</c>).</summary>
public static class DatabaseNames
{
    public const string Membership = "membership";
    public const string Portal = "portal";
    public const string Identity = "identity";
    public const string PartnerHooks = "partnerhooks";
    public const string Training = "training";
    public const string Notifications = "notifications";
    public const string RepriseWatch = "reprisewatch";
    public const string Ambassadors = "ambassadors";
}
