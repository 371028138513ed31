using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Membership.Tests.Support;

/// <summary>
/// The real membership service on real PostgreSQL, RabbitMQ and Redis; on a fake clock when given one; its logs (from
/// Debug up) and spans captured when given a <see cref="TelemetryCapture"/>.
/// </summary>
public sealed class MembershipApp(string databaseConnectionString, PlatformServers servers, TimeProvider? time = null,
    TelemetryCapture? capture = null)
    : ServiceApp<Program>(ResourceNames.MembershipDatabase, databaseConnectionString, servers)
{
    /// <summary>The row counts of the tables a registration writes to.</summary>
    public async Task<(long Cooperatives, long Outbox, long IdempotencyKeys)> CountWritesAsync() =>
        (await CountAsync("cooperatives"), await CountAsync("outbox_messages"), await CountAsync("idempotency_keys"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (time is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(time));
        }

        if (capture is not null)
        {
            builder.UseSetting("Logging:LogLevel:Default", "Debug");
            builder.ConfigureLogging(logging => logging.AddProvider(capture));
        }
    }
}
