using Scop.Aspire.LocalServers;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.AppHost.Infrastructure;

/// <summary>Aspire's container resources, each with a named data volume so data survives a restart.</summary>
public static class ContainerInfrastructure
{
    public static InfrastructureResources Add(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres(ResourceNames.Postgres)
            .WithArgs([.. LocalPostgres.ServerSettings])
            .WithDataVolume();

        var membershipDatabase = postgres.AddDatabase(ResourceNames.MembershipDatabase, DatabaseNames.Membership);
        var portalDatabase = postgres.AddDatabase(ResourceNames.PortalDatabase, DatabaseNames.Portal);
        var identityDatabase = postgres.AddDatabase(ResourceNames.IdentityDatabase, DatabaseNames.Identity);
        var trainingDatabase = postgres.AddDatabase(ResourceNames.TrainingDatabase, DatabaseNames.Training);
        var partnerHooksDatabase = postgres.AddDatabase(ResourceNames.PartnerHooksDatabase, DatabaseNames.PartnerHooks);

        var rabbitMq = builder.AddRabbitMQ(ResourceNames.RabbitMq)
            .WithDataVolume()
            .WithManagementPlugin();

        var redis = builder.AddRedis(ResourceNames.Redis)
            .WithDataVolume();

        return new InfrastructureResources(membershipDatabase, portalDatabase, partnerHooksDatabase, identityDatabase, trainingDatabase, rabbitMq, redis);
    }
}
