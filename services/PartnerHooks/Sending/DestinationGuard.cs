using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Scop.Aspire.PartnerHooks.Sending;

/// <summary>A destination the safety policy forbids (loopback, link-local, private, …).</summary>
public sealed class DestinationRefusedException(string message) : Exception(message);

/// <summary>
/// Where webhooks may connect. Outside Development only public addresses: the check runs when connecting, after
/// DNS resolution, on every address the name resolves to, and the connection goes only to an allowed address — so a
/// name that resolves to an internal address (or is changed to one later) reaches nothing inside.
/// </summary>
public sealed class DestinationGuard(bool blockPrivateDestinations)
{
    public bool BlockPrivateDestinations { get; } = blockPrivateDestinations;

    /// <summary>
    /// Why an address is not public, or null when it is. IPv6 forms that carry an IPv4 address inside are refused
    /// whole, whatever the IPv4 address: a NAT64 prefix (<c>64:ff9b::/96</c>, <c>64:ff9b:1::/48</c>) turns into any IPv4
    /// destination at the translator, 6to4 (<c>2002::/16</c>) and Teredo (<c>2001::/32</c>) are relayed to their embedded
    /// address, and the deprecated IPv4-compatible form (<c>::a.b.c.d</c>) reaches some stacks as that address. An
    /// IPv4-mapped address (<c>::ffff:a.b.c.d</c>) is the IPv4 address itself, and judged as such.
    /// </summary>
    public static string? WhyForbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return "loopback";
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b switch
            {
                [0, ..] => "unspecified",
                [10, ..] => "private",
                [100, >= 64 and <= 127, ..] => "shared (carrier-grade NAT)",
                [169, 254, ..] => "link-local",
                [172, >= 16 and <= 31, ..] => "private",
                [192, 0, 0, ..] => "reserved",
                [192, 0, 2, ..] or [198, 51, 100, ..] or [203, 0, 113, ..] => "reserved (documentation)",
                [192, 88, 99, ..] => "reserved (6to4 relay)",
                [192, 168, ..] => "private",
                [198, 18 or 19, ..] => "reserved",
                [>= 224, ..] => "multicast or reserved",
                _ => null,
            };
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            if (address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any))
            {
                return "unspecified";
            }

            if (address.IsIPv6LinkLocal)
            {
                return "link-local";
            }

            if (address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal)
            {
                return "private";
            }

            if (address.IsIPv6Multicast)
            {
                return "multicast";
            }

            return b switch
            {
                // ::/96 but :: and ::1, handled above.
                [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ..] => "IPv4-compatible (deprecated, embeds an IPv4 address)",
                [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..] => "NAT64 (64:ff9b::/96, embeds an IPv4 address)",
                [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01, ..] => "NAT64 (64:ff9b:1::/48, local-use translation)",
                [0x20, 0x02, ..] => "6to4 (2002::/16, embeds an IPv4 address)",
                [0x20, 0x01, 0x00, 0x00, ..] => "Teredo (2001::/32, embeds an IPv4 address)",
                [0x01, 0x00, 0, 0, 0, 0, 0, 0, ..] => "discard-only (100::/64)",
                [0x20, 0x01, 0x0d, 0xb8, ..] => "reserved (documentation)",
                _ => null,
            };
        }

        return "not an IP address";
    }

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/>: resolve, check every address, connect to an allowed one.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, ct);

        var allowed = BlockPrivateDestinations
            ? addresses.Where(address => WhyForbidden(address) is null).ToArray()
            : addresses;
        if (allowed.Length == 0)
        {
            var reasons = string.Join(", ", addresses.Select(a => $"{a} is {WhyForbidden(a)}"));
            throw new DestinationRefusedException(addresses.Length == 0
                ? $"destination refused: {endpoint.Host} resolves to no address"
                : $"destination refused: {endpoint.Host} resolves only to non-public addresses ({reasons})");
        }

        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException exception)
            {
                socket.Dispose();
                last = exception;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}
