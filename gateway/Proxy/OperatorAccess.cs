using System.Net;
using Microsoft.Extensions.Options;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Gateway.Proxy;

/// <summary>
/// Who reads the gateway's health in detail — each service's status and why it is down, which names internal hosts
/// and ports: a confederation admin (a valid token with that role), or a caller from a network of
/// <c>Scop:Gateway:OperatorNetworks</c> (the monitoring's; loopback in Development). Everyone else gets the overall
/// status alone. The address is the client's as <see cref="TrustedProxies"/> established it, never a header's claim.
/// </summary>
public sealed class OperatorAccess
{
    private readonly IPNetwork[] networks;

    public OperatorAccess(IOptions<GatewayOptions> options) =>
        networks = options.Value.OperatorNetworks
            .Select(value => NetworkAddresses.ParseNetwork(value, $"{GatewayOptions.Section}:OperatorNetworks")).ToArray();

    public bool IsOperator(HttpContext context) =>
        context.User.IsInRole(PlatformRoles.ConfederationAdmin)
        || NetworkAddresses.IsIn(context.Connection.RemoteIpAddress, networks);
}
