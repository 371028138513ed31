using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Scop.Aspire.ServiceDefaults.Data;

public static class RedisConnection
{
    /// <summary>
    /// One shared Redis connection from the <c>redis</c> connection string, traced, health-checked, and patient
    /// with a Redis that starts after the service.
    /// </summary>
    public static IHostApplicationBuilder AddRedisConnection(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ResourceNames.Redis)
            ?? throw new InvalidOperationException(
                $"Connection string '{ResourceNames.Redis}' is missing (ConnectionStrings:{ResourceNames.Redis}).");
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;

        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddHealthChecks().AddRedis(services => services.GetRequiredService<IConnectionMultiplexer>(),
            name: ResourceNames.Redis, tags: ["ready"]);
        return builder;
    }
}
