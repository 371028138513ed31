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

    /// <summary>The SMTP server the notifications service sends e-mail through (connection string <c>smtp://host:port</c>).</summary>
    public const string Mail = "mail";

    public const string MembershipDatabase = "membershipdb";
    public const string PortalDatabase = "portaldb";
    public const string PartnerHooksDatabase = "partnerhooksdb";
    public const string IdentityDatabase = "identitydb";
    public const string TrainingDatabase = "trainingdb";
    public const string NotificationsDatabase = "notificationsdb";
    public const string RepriseWatchDatabase = "reprisewatchdb";
    public const string AmbassadorsDatabase = "ambassadorsdb";

    public const string Membership = "membership";
    public const string Portal = "portal";
    public const string PartnerHooks = "partner-hooks";
    public const string Identity = "identity";
    public const string Training = "training";
    public const string Notifications = "notifications";
    public const string RepriseWatch = "reprise-watch";
    public const string Ambassadors = "ambassadors";
    public const string Gateway = "gateway";
    public const string Web = "web";
}
