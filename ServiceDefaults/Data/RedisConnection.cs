using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Scop.Aspire.ServiceDefaults.Data;

public static class RedisConnection
{
    /// <summary>
    /// One shared Redis connection from the <c>redis</c> connection string, traced, health-checked, and patient
    /// with a Redis that starts after the service. While Redis is away (restarting, say) a command fails at once
    /// (<see cref="RedisConnectionException"/>) instead of waiting in the connection's backlog until Redis is back or the
    /// command times out (5 s): every user of Redis here can do without it for a moment (the gateway's rate limits let
    /// requests pass, the portal serves past its cache), and none should hold a request up.
    /// </summary>
    public static IHostApplicationBuilder AddRedisConnection(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ResourceNames.Redis)
            ?? throw new InvalidOperationException(
                $"Connection string '{ResourceNames.Redis}' is missing (ConnectionStrings:{ResourceNames.Redis}).");
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;

        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddHealthChecks().AddRedis(services => services.GetRequiredService<IConnectionMultiplexer>(),
            name: ResourceNames.Redis, tags: ["ready"]);
        return builder;
    }
}
