using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Scop.Aspire.LocalServers;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.AppHost.Infrastructure;

/// <summary>
/// The servers the machine's packages installed (PostgreSQL, RabbitMQ, Redis, Exim), run by the AppHost as executables
/// on fixed development ports with their data under <see cref="LocalInfrastructureSettings.DataRoot"/>. They show
/// in the dashboard with their logs, and a health check on each tells when it accepts connections.
/// </summary>
public static class LocalInfrastructure
{
    /// <exception cref="MissingServerException">A server is not installed; the message names the install command.</exception>
    public static InfrastructureResources Add(IDistributedApplicationBuilder builder, LocalInfrastructureSettings settings)
    {
        EnsurePortsAreFree(settings);

        var postgres = AddPostgres(builder, settings);
        var membershipDatabase = AddDatabase(builder, postgres, ResourceNames.MembershipDatabase, DatabaseNames.Membership, settings.PostgresPort);
        var portalDatabase = AddDatabase(builder, postgres, ResourceNames.PortalDatabase, DatabaseNames.Portal, settings.PostgresPort);
        var identityDatabase = AddDatabase(builder, postgres, ResourceNames.IdentityDatabase, DatabaseNames.Identity, settings.PostgresPort);
        var trainingDatabase = AddDatabase(builder, postgres, ResourceNames.TrainingDatabase, DatabaseNames.Training, settings.PostgresPort);
        var repriseWatchDatabase = AddDatabase(builder, postgres, ResourceNames.RepriseWatchDatabase, DatabaseNames.RepriseWatch, settings.PostgresPort);
        var partnerHooksDatabase = AddDatabase(builder, postgres, ResourceNames.PartnerHooksDatabase, DatabaseNames.PartnerHooks, settings.PostgresPort);
        var notificationsDatabase = AddDatabase(builder, postgres, ResourceNames.NotificationsDatabase, DatabaseNames.Notifications, settings.PostgresPort);
        var ambassadorsDatabase = AddDatabase(builder, postgres, ResourceNames.AmbassadorsDatabase, DatabaseNames.Ambassadors, settings.PostgresPort);

        var rabbitMq = AddRabbitMq(builder, settings);
        var redis = AddRedis(builder, settings);
        var mail = AddMail(builder, settings);

        return new InfrastructureResources(membershipDatabase, portalDatabase, partnerHooksDatabase, identityDatabase, trainingDatabase, notificationsDatabase, repriseWatchDatabase, ambassadorsDatabase, rabbitMq, redis, mail);
    }

    /// <summary>A server already on one of the ports (another AppHost, most likely) would make ours fail later and less clearly.</summary>
    private static void EnsurePortsAreFree(LocalInfrastructureSettings settings)
    {
        (string Key, int Port)[] ports =
        [
            ("Scop:Ports:Postgres", settings.PostgresPort),
            ("Scop:Ports:RabbitMq", settings.RabbitMqPort),
            ("Scop:Ports:RabbitMqDistribution", settings.RabbitMqDistributionPort),
            ("Scop:Ports:Redis", settings.RedisPort),
            ("Scop:Ports:Epmd", settings.EpmdPort),
            ("Scop:Ports:Mail", settings.MailPort),
        ];

        var busy = ports.Where(p => FreePorts.IsListening(p.Port)).ToList();
        if (busy.Count > 0)
        {
            throw new InfrastructureSetupException(
                $"Port(s) {string.Join(", ", busy.Select(p => $"{p.Port} ({p.Key})"))} already in use on 127.0.0.1. " +
                $"Is another AppHost running? Stop it, or choose other ports, e.g. --{busy[0].Key}={busy[0].Port + 10}.");
        }
    }

    private static IResourceBuilder<LocalServerResource> AddPostgres(IDistributedApplicationBuilder builder, LocalInfrastructureSettings settings)
    {
        var dataDirectory = Path.Combine(settings.DataRoot, "postgres");
        LocalPostgres.FindBinDirectory();
        LocalPostgres.EnsurePostGis();

        return AddServer(
            builder,
            ResourceNames.Postgres,
            LocalPostgres.Command(dataDirectory, settings.PostgresPort),
            LocalPostgres.ConnectionString(settings.PostgresPort),
            connectionString => new PostgresAcceptsConnections(connectionString),
            prepare: () => LocalPostgres.EnsureInitialized(dataDirectory));
    }

    private static IResourceBuilder<LocalDatabaseResource> AddDatabase(
        IDistributedApplicationBuilder builder,
        IResourceBuilder<LocalServerResource> server,
        string name,
        string databaseName,
        int port)
    {
        var connectionString = ReferenceExpression.Create($"{LocalPostgres.ConnectionString(port, databaseName)}");
        var database = builder.AddResource(new LocalDatabaseResource(name, databaseName, server.Resource, connectionString))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [new ResourcePropertySnapshot("postgres.database", databaseName)],
            });

        // The database is usable as soon as its server accepts connections (the owning service creates it if missing).
        builder.Eventing.Subscribe<ResourceReadyEvent>(server.Resource, async (ready, cancellationToken) =>
        {
            var notifications = ready.Services.GetRequiredService<ResourceNotificationService>();
            await notifications.PublishUpdateAsync(database.Resource, snapshot => snapshot with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        });

        return database;
    }

    private static IResourceBuilder<LocalServerResource> AddRabbitMq(IDistributedApplicationBuilder builder, LocalInfrastructureSettings settings)
    {
        var baseDirectory = Path.Combine(settings.DataRoot, "rabbitmq");
        LocalRabbitMq.FindServerScript();

        // RabbitMQ's own Erlang port mapper: left to itself, Erlang would start a shared one as a daemon that
        // outlives the AppHost. This one is a resource like the others and stops with the AppHost.
        var epmdCommand = LocalRabbitMq.EpmdCommand(settings.EpmdPort);
        var epmd = ConfigureServer(
            builder,
            builder.AddExecutable($"{ResourceNames.RabbitMq}-epmd", epmdCommand.FileName, epmdCommand.WorkingDirectory),
            epmdCommand,
            new TcpAcceptsConnections(settings.EpmdPort),
            prepare: static () => { });

        var command = LocalRabbitMq.Command(
            baseDirectory,
            settings.RabbitMqNodeName,
            settings.RabbitMqPort,
            settings.RabbitMqDistributionPort,
            settings.EpmdPort);

        return AddServer(
            builder,
            ResourceNames.RabbitMq,
            command,
            LocalRabbitMq.ConnectionString(settings.RabbitMqPort),
            connectionString => new RabbitMqAcceptsConnections(connectionString),
            prepare: () => LocalRabbitMq.EnsureInitialized(baseDirectory))
            .WaitFor(epmd);
    }

    private static IResourceBuilder<LocalServerResource> AddRedis(IDistributedApplicationBuilder builder, LocalInfrastructureSettings settings)
    {
        var dataDirectory = Path.Combine(settings.DataRoot, "redis");
        LocalRedis.FindServer();

        return AddServer(
            builder,
            ResourceNames.Redis,
            LocalRedis.Command(dataDirectory, settings.RedisPort),
            LocalRedis.ConnectionString(settings.RedisPort),
            connectionString => new RedisAnswersPing(connectionString),
            prepare: () => Directory.CreateDirectory(dataDirectory));
    }

    /// <summary>
    /// The machine's Exim as the development mail server: every message it accepts is delivered to the Maildir
    /// <c>{DataRoot}/mail/maildir</c>, nothing leaves the machine (see <see cref="LocalMail"/>).
    /// </summary>
    private static IResourceBuilder<LocalServerResource> AddMail(IDistributedApplicationBuilder builder, LocalInfrastructureSettings settings)
    {
        var dataDirectory = Path.Combine(settings.DataRoot, "mail");
        LocalMail.FindServer();

        return AddServer(
            builder,
            ResourceNames.Mail,
            LocalMail.Command(dataDirectory, settings.MailPort),
            LocalMail.ConnectionString(settings.MailPort),
            _ => new TcpAcceptsConnections(settings.MailPort),
            prepare: () => LocalMail.EnsureInitialized(dataDirectory, settings.MailPort));
    }

    /// <summary>Adds one server as an executable resource whose connection string clients reference.</summary>
    private static IResourceBuilder<LocalServerResource> AddServer(
        IDistributedApplicationBuilder builder,
        string name,
        LocalServerCommand command,
        string connectionString,
        Func<string, IHealthCheck> healthCheck,
        Action prepare)
    {
        var resource = new LocalServerResource(
            name,
            command.FileName,
            command.WorkingDirectory,
            ReferenceExpression.Create($"{connectionString}"));

        return ConfigureServer(builder, builder.AddResource(resource), command, healthCheck(connectionString), prepare);
    }

    /// <summary>
    /// Gives a server executable its command line and environment, a health check that decides when it is
    /// ready (what WaitFor waits for), and a preparation step (e.g. initdb) that runs just before it starts.
    /// </summary>
    private static IResourceBuilder<T> ConfigureServer<T>(
        IDistributedApplicationBuilder builder,
        IResourceBuilder<T> server,
        LocalServerCommand command,
        IHealthCheck healthCheck,
        Action prepare)
        where T : ExecutableResource
    {
        var name = server.Resource.Name;
        var healthCheckKey = $"{name}_accepts_connections";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            healthCheck,
            failureStatus: HealthStatus.Unhealthy,
            tags: null));

        server.WithArgs([.. command.Arguments]).WithHealthCheck(healthCheckKey);
        foreach (var (variable, value) in command.Environment)
        {
            server.WithEnvironment(variable, value);
        }

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server.Resource, async (starting, cancellationToken) =>
        {
            var logger = starting.Services.GetRequiredService<ResourceLoggerService>().GetLogger(starting.Resource);
            try
            {
                await Task.Run(prepare, cancellationToken);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Preparing {Server} failed.", name);
                throw;
            }
        });

        return server;
    }
}
