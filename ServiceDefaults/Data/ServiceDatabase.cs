using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.ServiceDefaults.Data;

public static class ServiceDatabase
{
    /// <summary>
    /// The service's own PostgreSQL database: one data source (shared by EF Core, the outbox relay and the health
    /// check), pooled DbContexts, snake_case names, the numbering of outbox rows, and migrations applied at start in
    /// Development or when <c>Scop:MigrateAtStart</c> is true.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TDbContext>(this IHostApplicationBuilder builder,
        string connectionName)
        where TDbContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException(
                $"Connection string '{connectionName}' is missing (ConnectionStrings:{connectionName}).");
        var dataSourceBuilder = new NpgsqlDataSourceBuilder(Tuned(connectionString));
        // A command gets a span when it serves a request or a message; the relay's polling and the health checks
        // would otherwise fill the dashboard with one-span traces of no interest, several per second per service.
        dataSourceBuilder.ConfigureTracing(tracing => tracing
            .ConfigureCommandFilter(_ => Activity.Current is not null)
            .ConfigureBatchFilter(_ => Activity.Current is not null)
            .EnablePhysicalOpenTracing(false));
        var dataSource = dataSourceBuilder.Build();

        builder.Services.AddSingleton(dataSource);
        // Pooled: a request takes a reset context instead of building one and its services from scratch.
        builder.Services.AddDbContextPool<TDbContext>(options => options
            .UseNpgsql(dataSource)
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(new OutboxSequencer()));
        builder.Services.AddHealthChecks().AddNpgSql(_ => dataSource, name: connectionName, tags: ["ready"]);

        if (builder.Environment.IsDevelopment() || builder.Configuration.GetValue<bool>("Scop:MigrateAtStart"))
        {
            // Registered before the relay and the bus, so they start on a migrated schema.
            builder.Services.AddHostedService<MigrateAtStart<TDbContext>>();
        }

        return builder;
    }

    /// <summary>
    /// Connection settings for a service that sends the same few statements over and over (its writes, the outbox
    /// claim, the inbox insert): prepared once per connection, PostgreSQL stops parsing and planning them on every
    /// call. And no reset when a connection goes back to the pool: the services keep no session state (no SET, no
    /// advisory locks, no temporary tables), so the reset would be half a dozen statements per checkout for nothing.
    /// A connection string that sets either itself keeps its value.
    /// </summary>
    private static string Tuned(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            settings.MaxAutoPrepare = 64;
            settings.AutoPrepareMinUsages = 2;
        }

        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            settings.NoResetOnClose = true;
        }

        return settings.ConnectionString;
    }
}

internal sealed partial class MigrateAtStart<TDbContext>(IServiceProvider services, ILogger<MigrateAtStart<TDbContext>> logger)
    : IHostedService
    where TDbContext : DbContext
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        LogMigrating(logger, typeof(TDbContext).Name);
        await db.Database.MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying migrations of {Context}")]
    private static partial void LogMigrating(ILogger logger, string context);
}
