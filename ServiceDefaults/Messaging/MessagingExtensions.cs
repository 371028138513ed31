using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.ServiceDefaults.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// Integration events for a service whose state lives in <typeparamref name="TDbContext"/>: MassTransit on
    /// RabbitMQ with publisher confirms, the consumers of the service's assembly on queues named after the service,
    /// retries with intervals then the <c>_error</c> queue (a database or connection away for a moment is waited for), the outbox relay of the service's database, and the expiry of
    /// its kept idempotent answers.
    /// Call <see cref="Data.ServiceDatabase.AddServiceDatabase{TDbContext}"/> first.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging<TDbContext>(this IHostApplicationBuilder builder, string serviceName)
        where TDbContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(ResourceNames.RabbitMq)
            ?? throw new InvalidOperationException(
                $"Connection string '{ResourceNames.RabbitMq}' is missing (ConnectionStrings:{ResourceNames.RabbitMq}).");
        var broker = new Uri(connectionString);

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<OutboxOptions>(builder.Configuration.GetSection(OutboxOptions.Section));
        var endpointNames = new KebabCaseEndpointNameFormatter(serviceName, false);
        builder.Services.AddMassTransit(bus =>
        {
            // MassTransit reports the bus's configuration to its makers a few minutes after start. The platform sends
            // nothing to a third party; and where it cannot reach out, every service logged the failed attempt, an
            // exception with its stack trace, at the same moment, in the middle of whatever load it was under.
            bus.DisableUsageTelemetry();
            bus.SetEndpointNameFormatter(endpointNames);
            bus.AddConsumers(type => !InboxBatching.IsBatchConsumer(type), typeof(TDbContext).Assembly);
            foreach (var batchConsumer in InboxBatching.BatchConsumersOf(typeof(TDbContext).Assembly))
            {
                bus.AddConsumer(batchConsumer, typeof(InboxBatchDefinition<>).MakeGenericType(batchConsumer));
            }

            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                // A server away for a moment — PostgreSQL restarting, a connection cut (TransientFailures) — is waited
                // for, up to about 8 minutes, rather than sending the message to the _error queue with its effect
                // undone: a database restart takes longer than the three quick retries below.
                endpoint.UseMessageRetry(retry =>
                {
                    retry.Handle<Exception>(TransientFailures.IsTransient);
                    retry.Exponential(20, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2));
                });
                // Anything else is retried three times, then goes to the _error queue for an operator.
                endpoint.UseMessageRetry(retry =>
                {
                    retry.Ignore<Exception>(TransientFailures.IsTransient);
                    retry.Intervals(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
                });
            });
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(broker.Host, (ushort)(broker.IsDefaultPort ? 5672 : broker.Port), VirtualHost(broker), host =>
                {
                    var (user, password) = Credentials(broker);
                    host.Username(user);
                    host.Password(password);
                    host.PublisherConfirmation = true;
                });
                rabbit.ConfigureEndpoints(context);
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            // Publishing before the queues are bound would lose messages; the AppHost starts us after the broker.
            options.WaitUntilStarted = true;
            options.StartTimeout = TimeSpan.FromMinutes(2);
            options.StopTimeout = TimeSpan.FromSeconds(30);
        });
        var errorQueues = ErrorQueueHealthCheck.ErrorQueuesOf(typeof(TDbContext).Assembly, endpointNames);
        builder.Services.AddSingleton(new ErrorQueueHealthCheck(broker, errorQueues));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration("error-queues",
            services => services.GetRequiredService<ErrorQueueHealthCheck>(), HealthStatus.Degraded, ["ready"]));
        // Rows to publish now wake the relay when they commit; a timer set for later wakes nobody (the relay sleeps
        // until the next one falls due).
        builder.Services.AddCommitWakeup<OutboxMessage>(MessagingModel.OutboxChannel,
            message => message.NotBefore is not { } notBefore || notBefore <= DateTimeOffset.UtcNow);
        builder.Services.AddSingleton<OutboxRelay>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OutboxRelay>());
        // The idempotency keys live beside the outbox in the same database (MessagingModel): their answers expire.
        builder.Services.Configure<IdempotencyOptions>(builder.Configuration.GetSection(IdempotencyOptions.Section));
        builder.Services.AddSingleton<IdempotencyExpiry>();
        builder.Services.AddHostedService(services => services.GetRequiredService<IdempotencyExpiry>());
        return builder;
    }

    private static string VirtualHost(Uri broker)
    {
        var path = Uri.UnescapeDataString(broker.AbsolutePath.TrimStart('/'));
        return path.Length == 0 ? "/" : path;
    }

    private static (string User, string Password) Credentials(Uri broker)
    {
        var parts = broker.UserInfo.Split(':', 2);
        return parts.Length == 2 && parts[0].Length > 0
            ? (Uri.UnescapeDataString(parts[0]), Uri.UnescapeDataString(parts[1]))
            : ("guest", "guest");
    }
}
