using System.Net;
using System.Net.Sockets;

namespace Scop.Aspire.Identity.Features.Account;

/// <summary>
/// Who is signing in, by network: the connection's address, or, when the connection comes from a trusted proxy (the
/// gateway, <c>Scop:Identity:TrustedProxies</c>), the last address of its <c>X-Forwarded-For</c> — the one the proxy
/// saw, never what the client wrote itself. IPv6 addresses count by their /64: one subscriber gets a whole /64, so
/// counting single addresses would let one client change address at every attempt.
/// </summary>
public sealed class ClientAddresses
{
    /// <summary>Loopback: the gateway on the same machine, as under ./run.sh and in the tests.</summary>
    public static readonly string[] DefaultTrustedProxies = ["127.0.0.0/8", "::1/128"];

    private readonly IPNetwork[] trusted;

    public ClientAddresses(IdentityServerSettings settings)
    {
        var configured = settings.TrustedProxies is { Length: > 0 } proxies ? proxies : DefaultTrustedProxies;
        trusted = configured.Select(Parse).ToArray();
    }

    /// <summary>The client's address block, as sign-in throttling counts it.</summary>
    public string BlockOf(HttpContext http) => Block(AddressOf(http));

    public IPAddress AddressOf(HttpContext http)
    {
        var remote = Normal(http.Connection.RemoteIpAddress ?? IPAddress.IPv6None);
        if (!trusted.Any(network => network.Contains(remote)))
        {
            return remote;
        }

        var forwarded = http.Request.Headers["X-Forwarded-For"].ToString();
        var last = forwarded.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        return last is not null && IPAddress.TryParse(last, out var client) ? Normal(client) : remote;
    }

    /// <summary>An IPv4 address as it is; an IPv6 address as its /64 network (<c>2001:db8:1:2::/64</c>).</summary>
    public static string Block(IPAddress address)
    {
        address = Normal(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }

    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static IPNetwork Parse(string value) =>
        IPNetwork.TryParse(value, out var network) ? network
        : IPAddress.TryParse(value, out var single) ? new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
        : throw new InvalidOperationException(
            $"Scop:Identity:TrustedProxies: '{value}' is neither an IP address nor a CIDR block (e.g. 10.0.0.0/8).");
}
