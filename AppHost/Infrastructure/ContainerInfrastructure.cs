using Scop.Aspire.LocalServers;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.AppHost.Infrastructure;

/// <summary>Aspire's container resources, each with a named data volume so data survives a restart.</summary>
public static class ContainerInfrastructure
{
    public static InfrastructureResources Add(IDistributedApplicationBuilder builder)
    {
        // PostGIS' image: PostgreSQL with the extension the Ambassades' geography needs (DESIGN.md §5).
        var postgres = builder.AddPostgres(ResourceNames.Postgres)
            .WithImage(LocalPostgres.PostGisImage, LocalPostgres.PostGisImageTag)
            .WithArgs([.. LocalPostgres.ServerSettings])
            .WithDataVolume();

        var membershipDatabase = postgres.AddDatabase(ResourceNames.MembershipDatabase, DatabaseNames.Membership);
        var portalDatabase = postgres.AddDatabase(ResourceNames.PortalDatabase, DatabaseNames.Portal);
        var identityDatabase = postgres.AddDatabase(ResourceNames.IdentityDatabase, DatabaseNames.Identity);
        var trainingDatabase = postgres.AddDatabase(ResourceNames.TrainingDatabase, DatabaseNames.Training);
        var repriseWatchDatabase = postgres.AddDatabase(ResourceNames.RepriseWatchDatabase, DatabaseNames.RepriseWatch);
        var partnerHooksDatabase = postgres.AddDatabase(ResourceNames.PartnerHooksDatabase, DatabaseNames.PartnerHooks);
        var notificationsDatabase = postgres.AddDatabase(ResourceNames.NotificationsDatabase, DatabaseNames.Notifications);
        var ambassadorsDatabase = postgres.AddDatabase(ResourceNames.AmbassadorsDatabase, DatabaseNames.Ambassadors);

        var rabbitMq = builder.AddRabbitMQ(ResourceNames.RabbitMq)
            .WithDataVolume()
            .WithManagementPlugin();

        var redis = builder.AddRedis(ResourceNames.Redis)
            .WithDataVolume();

        // A mail server that keeps every message it accepts, readable in its web page (endpoint "http").
        var mail = builder.AddResource(new MailServerResource(ResourceNames.Mail))
            .WithImage(MailServerResource.Image, MailServerResource.Tag)
            .WithEndpoint(targetPort: MailServerResource.SmtpPort, name: MailServerResource.SmtpEndpoint, scheme: "tcp")
            .WithHttpEndpoint(targetPort: MailServerResource.WebPort, name: "http")
            .WithEnvironment("MP_MAX_MESSAGES", "5000");

        return new InfrastructureResources(membershipDatabase, portalDatabase, partnerHooksDatabase, identityDatabase, trainingDatabase, notificationsDatabase, repriseWatchDatabase, ambassadorsDatabase, rabbitMq, redis, mail);
    }
}
