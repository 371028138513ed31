using Scop.Aspire.AppHost;
using Scop.Aspire.AppHost.Infrastructure;
using Scop.Aspire.ServiceDefaults;

var builder = DistributedApplication.CreateBuilder(args);
builder.LogWhenResourcesAreReady();
builder.KeepDashboardTelemetryInMemory();

// Infrastructure: PostgreSQL, RabbitMQ, Redis and a mail server, as containers or as the machine's own servers.
if (!InfrastructureSetup.TryAdd(builder, out var infrastructure, out var problem))
{
    Console.Error.WriteLine(problem);
    return 1;
}

// Identity: users, roles and machine clients; the OpenID Connect server, public behind the gateway. Accounts of the
// register's people are made and kept in step from membership's events.
var identity = builder.AddProject<Projects.Scop_Aspire_Identity>(ResourceNames.Identity)
    .WithReference(infrastructure.IdentityDatabase).WaitFor(infrastructure.IdentityDatabase)
    .WithReference(infrastructure.RabbitMq).WaitFor(infrastructure.RabbitMq) // accounts follow the register's events
    .WithDataRoot(builder)
    .WithHttpHealthCheck("/health")
    .WithServicePort(builder.Configuration)
    .WithHostEnvironment(builder);

// Services: each owns its database and talks to the others through RabbitMQ.
var membership = builder.AddPlatformService<Projects.Scop_Aspire_Membership>(ResourceNames.Membership,
        infrastructure.MembershipDatabase, infrastructure.RabbitMq, identity)
    .WithReference(infrastructure.Redis).WaitFor(infrastructure.Redis);

var portal = builder.AddPlatformService<Projects.Scop_Aspire_Portal>(ResourceNames.Portal,
        infrastructure.PortalDatabase, infrastructure.RabbitMq, identity)
    .WithReference(infrastructure.Redis).WaitFor(infrastructure.Redis);

var training = builder.AddPlatformService<Projects.Scop_Aspire_Training>(ResourceNames.Training,
    infrastructure.TrainingDatabase, infrastructure.RabbitMq, identity);

var repriseWatch = builder.AddPlatformService<Projects.Scop_Aspire_RepriseWatch>(ResourceNames.RepriseWatch,
    infrastructure.RepriseWatchDatabase, infrastructure.RabbitMq, identity);

// Ambassades and clubs: labels, the public directory and nearest search (PostGIS), enquiries, clubs.
var ambassadors = builder.AddPlatformService<Projects.Scop_Aspire_Ambassadors>(ResourceNames.Ambassadors,
    infrastructure.AmbassadorsDatabase, infrastructure.RabbitMq, identity);

var partnerHooks = builder.AddPlatformService<Projects.Scop_Aspire_PartnerHooks>(ResourceNames.PartnerHooks,
        infrastructure.PartnerHooksDatabase, infrastructure.RabbitMq, identity)
    .WithDataRoot(builder); // its secrets' protection keys, outside its database

// Notifications: tells people and partners what concerns them, in their inbox and by e-mail through the SMTP server.
var notifications = builder.AddPlatformService<Projects.Scop_Aspire_Notifications>(ResourceNames.Notifications,
        infrastructure.NotificationsDatabase, infrastructure.RabbitMq, identity)
    .WithReference(infrastructure.Mail).WaitFor(infrastructure.Mail);
// Web front-end: every person's pages, server-rendered; reached only through the gateway, it calls the APIs through
// the gateway too, with the tokens of the signed-in person kept in its sessions (Redis).
var web = builder.AddProject<Projects.Scop_Aspire_Web>(ResourceNames.Web)
    .WithReference(infrastructure.Redis).WaitFor(infrastructure.Redis)
    .WithDataRoot(builder) // its session keys
    .WithHttpHealthCheck("/health")
    .WithServicePort(builder.Configuration)
    .WithHostEnvironment(builder);

// Gateway: the one endpoint for web and mobile clients; finds the services through service discovery.
var gateway = builder.AddProject<Projects.Scop_Aspire_Gateway>(ResourceNames.Gateway)
    .WithReference(identity).WaitFor(identity)
    .WithReference(membership).WaitFor(membership)
    .WithReference(portal).WaitFor(portal)
    .WithReference(training).WaitFor(training)
    .WithReference(repriseWatch).WaitFor(repriseWatch)
    .WithReference(ambassadors).WaitFor(ambassadors)
    .WithReference(partnerHooks).WaitFor(partnerHooks)
    .WithReference(notifications).WaitFor(notifications)
    .WithReference(web).WaitFor(web)
    .WithReference(infrastructure.Redis).WaitFor(infrastructure.Redis)
    .WithExternalHttpEndpoints()
    .WithGatewayPort(builder.Configuration)
    .WithHttpHealthCheck("/health")
    .WithHostEnvironment(builder);

// For load benchmarks only (bench/README.md): `--Scop:Gateway:RateLimits:Enabled=false` turns the gateway's rate
// limits off, so a bench measures the platform rather than the limiter.
if (builder.Configuration["Scop:Gateway:RateLimits:Enabled"] is { Length: > 0 } rateLimitsEnabled)
{
    gateway.WithEnvironment("Scop__Gateway__RateLimits__Enabled", rateLimitsEnabled);
}

// Every token carries the gateway's public address as its issuer: clients and services agree on it. Every process
// sends its metrics to the dashboard at the same interval.
foreach (var project in new[] { identity, membership, portal, training, partnerHooks, notifications, repriseWatch, ambassadors, gateway, web })
{
    project.WithIssuer(gateway).WithMetricExportInterval(builder.Configuration);
}

// The web front-end calls the APIs through the gateway, and the identity service lets it sign people in and out at
// the gateway's address.
web.WithReference(gateway);
identity.WithWebClient(gateway);

builder.Build().Run();
return 0;
