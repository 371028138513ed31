using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Update;
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
    /// check), pooled DbContexts, snake_case names, a save of one batch in one round trip (<see cref="SingleBatchSaves"/>),
    /// the numbering of outbox rows, the wake-ups of workers after a
    /// commit (<see cref="CommitWakeups"/>), and migrations applied at start in Development or when
    /// <c>Scop:MigrateAtStart</c> is true.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TDbContext>(this IHostApplicationBuilder builder,
        string connectionName)
        where TDbContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException(
                $"Connection string '{connectionName}' is missing (ConnectionStrings:{connectionName}).");
        var dataSourceBuilder = new NpgsqlDataSourceBuilder(Tuned(connectionString,
            builder.Configuration.GetValue(MaxConnectionsKey, DefaultMaxPoolSize)));
        // A command gets a span when it serves a request or a message; the relay's polling and the health checks
        // would otherwise fill the dashboard with one-span traces of no interest, several per second per service.
        dataSourceBuilder.ConfigureTracing(tracing => tracing
            .ConfigureCommandFilter(_ => Activity.Current is not null)
            .ConfigureBatchFilter(_ => Activity.Current is not null)
            .EnablePhysicalOpenTracing(false));
        var dataSource = dataSourceBuilder.Build();

        // Registered through a factory so the container owns it: it closes its pooled connections when the host is
        // disposed (an instance handed to AddSingleton is left open, and a process that starts services one after the
        // other, as the tests do, kept every pool's connections until PostgreSQL refused more).
        builder.Services.AddSingleton(_ => dataSource);
        // Pooled: a request takes a reset context instead of building one and its services from scratch.
        builder.Services.AddDbContextPool<TDbContext>((services, options) => options
            .UseNpgsql(dataSource)
            .UseSnakeCaseNamingConvention()
            .ReplaceService<IModificationCommandBatchFactory, SingleBatchSaves>()
            .AddInterceptors(new OutboxSequencer(), services.GetRequiredService<CommitWakeInterceptor>()));
        builder.Services.AddHealthChecks().AddNpgSql(_ => dataSource, name: connectionName, tags: ["ready"]);

        if (builder.Environment.IsDevelopment() || builder.Configuration.GetValue<bool>("Scop:MigrateAtStart"))
        {
            // Registered before the relay and the bus, so they start on a migrated schema.
            builder.Services.AddHostedService<MigrateAtStart<TDbContext>>();
        }

        builder.Services.AddCommitWakeups();

        return builder;
    }

    /// <summary>
    /// The most connections a service keeps to its database unless its configuration or connection string says
    /// otherwise. Few on purpose: Npgsql hands out its idle connections first in, first out, so every connection of the
    /// pool takes its turn even when a handful would do, and each is a PostgreSQL process whose caches went cold
    /// meanwhile. On two cores, training's holds at half the maximum rate cost PostgreSQL 0.66 to 0.89 ms of CPU each
    /// through 30 connections and 0.56 to 0.77 ms through 8, and the maximum rate rose; through 4 the pool itself
    /// became the limit (the bench runs in the history of bench/README.md). A larger server may want more (<see cref="MaxConnectionsKey"/>).
    /// </summary>
    public const int DefaultMaxPoolSize = 8;

    /// <summary>Configuration key of a service's connection cap (<see cref="DefaultMaxPoolSize"/> unless set).</summary>
    public const string MaxConnectionsKey = "Scop:Database:MaxConnections";

    /// <summary>
    /// Connection settings for a service that sends the same few statements over and over (its writes, the outbox
    /// claim, the inbox insert): prepared once per connection, PostgreSQL stops parsing and planning them on every
    /// call. And no reset when a connection goes back to the pool: the services keep no session state (no SET, no
    /// advisory locks, no temporary tables), so the reset would be half a dozen statements per checkout for nothing.
    /// At most <paramref name="maxConnections"/> connections, and the pool keeps those it opened: left to itself, Npgsql
    /// closes at once, every five minutes, the connections that were mostly idle meanwhile, and the next burst opens them
    /// again, each a new PostgreSQL backend that loads its catalog caches and plans its statements afresh. In the
    /// training bench 21 of 28 connections were closed and 22 opened in the same second, five minutes after start, and
    /// that second's requests waited up to 1.3 s. A connection string that sets any of these keeps its value.
    /// </summary>
    private static string Tuned(string connectionString, int maxConnections)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        bool Unset(string keyword) => !Regex.IsMatch(connectionString, keyword, RegexOptions.IgnoreCase);
        if (Unset(@"Auto\s*Prepare"))
        {
            settings.MaxAutoPrepare = 64;
            settings.AutoPrepareMinUsages = 2;
        }

        if (Unset(@"Reset\s*On\s*Close"))
        {
            settings.NoResetOnClose = true;
        }

        // Every service shares one server (max_connections 200 in local mode, 100 by PostgreSQL's default): Npgsql's
        // own default of 100 per service lets one busy service take what the others need, and they answer 500 with
        // "53300: too many clients". Beyond its share, a burst waits in the service's pool instead.
        if (Unset(@"Max(imum)?\s*Pool\s*Size"))
        {
            settings.MaxPoolSize = maxConnections;
        }

        if (Unset(@"Min(imum)?\s*Pool\s*Size"))
        {
            settings.MinPoolSize = settings.MaxPoolSize;
        }

        return settings.ConnectionString;
    }
}

/// <summary>
/// Creates the service's database if it is missing and applies its migrations, one replica at a time: replicas that
/// start together would otherwise create the same database and tables side by side, and all but one would fail.
/// </summary>
internal sealed partial class MigrateAtStart<TDbContext>(IServiceProvider services, NpgsqlDataSource dataSource,
    ILogger<MigrateAtStart<TDbContext>> logger) : StartupWork(logger)
    where TDbContext : DbContext
{
    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken))
        {
            try
            {
                await creator.CreateAsync(cancellationToken);
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.DuplicateDatabase
                                                          or PostgresErrorCodes.UniqueViolation)
            {
                // Another replica created it in the meantime.
            }
        }

        await using var migrating = await ReplicaLock.AcquireAsync(dataSource, "migrations", cancellationToken);
        LogMigrating(logger, typeof(TDbContext).Name);
        await db.Database.MigrateAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying migrations of {Context}")]
    private static partial void LogMigrating(ILogger logger, string context);
}
