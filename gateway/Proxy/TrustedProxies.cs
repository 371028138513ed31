using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Gateway.Proxy;

/// <summary>
/// Who the client is, and whether it came over TLS, when proxies stand in front of the gateway. Only a connection from
/// a proxy named in <c>Scop:Gateway:ForwardedHeaders</c> (<c>KnownProxies</c>, <c>KnownNetworks</c>) has its
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> believed: the client's address is then the last one the trusted
/// proxies did not add themselves, and the scheme the one the first of them saw. From any other connection, those
/// headers change nothing, so a client cannot pick the address its limits are counted by, nor claim TLS. Everything
/// downstream — rate limits, operator networks, HSTS, secure cookies, the <c>X-Forwarded-*</c> headers the gateway sends
/// the services — reads the result.
/// </summary>
public static class TrustedProxies
{
    private const string Setting = $"{GatewayOptions.Section}:{nameof(GatewayOptions.ForwardedHeaders)}";

    public static IHostApplicationBuilder AddTrustedProxies(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>()?.ForwardedHeaders
            ?? new TrustedProxyOptions();
        var proxies = settings.KnownProxies.Select(value => IPAddress.TryParse(value, out var address)
            ? address
            : throw new InvalidOperationException($"{Setting}:KnownProxies: '{value}' is not an IP address.")).ToList();
        var networks = settings.KnownNetworks.Select(value => NetworkAddresses.ParseNetwork(value, $"{Setting}:KnownNetworks")).ToList();

        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // ASP.NET Core trusts loopback by default: here only what the settings name.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // the older list of the same option, cleared as well in case it is still read
            options.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            proxies.ForEach(options.KnownProxies.Add);
            networks.ForEach(options.KnownIPNetworks.Add);
            // Walk back through X-Forwarded-For while each hop is a trusted proxy, and stop at the first that is not.
            options.ForwardLimit = null;
        });
        return builder;
    }

    /// <summary>
    /// The forwarded-headers middleware, when some proxy is trusted. With none it is left out altogether: given empty
    /// lists, ASP.NET Core's middleware would believe every sender.
    /// </summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        if (options.KnownProxies.Count > 0 || options.KnownIPNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}
