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

    /// <summary>Why an address is not public, or null when it is.</summary>
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
                [192, 168, ..] => "private",
                [198, 18 or 19, ..] => "reserved",
                [>= 224, ..] => "multicast or reserved",
                _ => null,
            };
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
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

            return null;
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
