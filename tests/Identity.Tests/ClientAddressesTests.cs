using System.Net;
using Microsoft.AspNetCore.Http;
using Scop.Aspire.Identity.Features.Account;

namespace Scop.Aspire.Identity.Tests;

/// <summary>Which address a sign-in is counted against: the proxy's word only when the proxy is trusted.</summary>
public sealed class ClientAddressesTests
{
    private readonly ClientAddresses addresses = new(new IdentityServerSettings());

    [Theory]
    [InlineData("127.0.0.1", null, "127.0.0.1")]
    [InlineData("127.0.0.1", "198.51.100.7", "198.51.100.7")]
    [InlineData("127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7")] // what the client wrote comes first; the proxy's last
    [InlineData("::1", "2001:db8:aa:bb:1:2:3:4", "2001:db8:aa:bb::/64")]
    [InlineData("::ffff:127.0.0.1", "198.51.100.7", "198.51.100.7")]
    [InlineData("203.0.113.9", "198.51.100.7", "203.0.113.9")] // not a trusted proxy: its header means nothing
    [InlineData("127.0.0.1", "not-an-address", "127.0.0.1")]
    [InlineData("2001:db8:1:2:3:4:5:6", null, "2001:db8:1:2::/64")]
    public void The_client_address_block(string remote, string? forwardedFor, string expected)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (forwardedFor is not null)
        {
            http.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        Assert.Equal(expected, addresses.BlockOf(http));
    }

    [Fact]
    public void Configured_proxies_replace_loopback()
    {
        var behindProxy = new ClientAddresses(new IdentityServerSettings { TrustedProxies = ["10.1.0.0/16", "192.0.2.10"] });
        var http = new DefaultHttpContext();
        http.Request.Headers["X-Forwarded-For"] = "198.51.100.7";

        http.Connection.RemoteIpAddress = IPAddress.Parse("10.1.4.5");
        Assert.Equal("198.51.100.7", behindProxy.BlockOf(http));
        http.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.10");
        Assert.Equal("198.51.100.7", behindProxy.BlockOf(http));
        http.Connection.RemoteIpAddress = IPAddress.Parse("127.0.0.1");
        Assert.Equal("127.0.0.1", behindProxy.BlockOf(http));
    }
}
