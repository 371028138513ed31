namespace Scop.Aspire.Gateway.Proxy;

public sealed class GatewayOptions
{
    public const string Section = "Scop:Gateway";

    /// <summary>Bodies larger than this are refused with 413 before they reach a service.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>A service that does not accept the connection within this time is reported down (503) at once.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Connections the gateway keeps to one service at most; requests beyond them wait in the gateway for a free one.
    /// A service answers no faster with more (its database pool holds 30 connections), while a burst that opened
    /// hundreds made the service and the gateway spend their CPU on new connections, and on compiling the code that
    /// accepts them, instead of on requests. A cluster's own <c>HttpClient:MaxConnectionsPerServer</c> wins.
    /// </summary>
    public int MaxConnectionsPerService { get; set; } = 64;

    /// <summary>
    /// The routes (ids in <c>ReverseProxy:Routes</c>) that anyone may call without a token. Every other route needs one.
    /// </summary>
    public HashSet<string> AnonymousRoutes { get; set; } = new(StringComparer.Ordinal);

    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>
    /// The proxies in front of the gateway (a load balancer, a TLS terminator) whose <c>X-Forwarded-For</c> and
    /// <c>X-Forwarded-Proto</c> it believes. None by default: a client's own headers then change nothing.
    /// </summary>
    public TrustedProxyOptions ForwardedHeaders { get; set; } = new();

    /// <summary>
    /// Networks (CIDR blocks or addresses) whose callers are operators: they read every check of <c>/health</c>, as a
    /// confederation admin's token does. None by default; loopback in Development.
    /// </summary>
    public List<string> OperatorNetworks { get; set; } = [];

    public SecurityHeaderOptions SecurityHeaders { get; set; } = new();
}

public sealed class TrustedProxyOptions
{
    /// <summary>Single addresses of trusted proxies.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks (CIDR blocks) of trusted proxies.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}
