using System.Net;
using System.Net.Sockets;

namespace Scop.Aspire.ServiceDefaults.Security;

/// <summary>Client addresses as the platform counts them, and the networks its settings name.</summary>
public static class NetworkAddresses
{
    /// <summary>
    /// The block a client is counted by: an IPv4 address as it is, an IPv6 address as its /64
    /// (<c>2001:db8:1:2::/64</c>). One subscriber gets a whole /64, so counting single IPv6 addresses would let one
    /// client take a new address at every request. An IPv4-mapped IPv6 address counts as its IPv4 address.
    /// </summary>
    public static string Block(IPAddress? address)
    {
        address = Normal(address ?? IPAddress.IPv6None);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }

    public static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>A network from a setting: a CIDR block (<c>10.0.0.0/8</c>) or a single address (its /32 or /128).</summary>
    public static IPNetwork ParseNetwork(string value, string setting) =>
        IPNetwork.TryParse(value, out var network) ? network
        : IPAddress.TryParse(value, out var single)
            ? new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
            : throw new InvalidOperationException(
                $"{setting}: '{value}' is neither an IP address nor a CIDR block (e.g. 10.0.0.0/8).");

    public static bool IsIn(IPAddress? address, IEnumerable<IPNetwork> networks)
    {
        if (address is null)
        {
            return false;
        }

        address = Normal(address);
        return networks.Any(network => network.Contains(address));
    }
}
