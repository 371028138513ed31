namespace Scop.Aspire.Gateway.Proxy;

public sealed class GatewayOptions
{
    public const string Section = "Scop:Gateway";

    /// <summary>Bodies larger than this are refused with 413 before they reach a service.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>A service that does not accept the connection within this time is reported down (503) at once.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The routes (ids in <c>ReverseProxy:Routes</c>) that anyone may call without a token. Every other route needs one.
    /// </summary>
    public HashSet<string> AnonymousRoutes { get; set; } = new(StringComparer.Ordinal);

    public RateLimitOptions RateLimits { get; set; } = new();
}
