using System.Net;
using Scop.Aspire.PartnerHooks.Sending;
using Scop.Aspire.PartnerHooks.Tests.Support;

namespace Scop.Aspire.PartnerHooks.Tests;

public sealed class DestinationGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.8.9.10", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.10", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fd00::1", "private")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("100.64.0.1", "shared (carrier-grade NAT)")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("192.0.2.1", "reserved (documentation)")]
    public void Non_public_addresses_are_named(string address, string why) =>
        Assert.Equal(why, DestinationGuard.WhyForbidden(IPAddress.Parse(address)));

    /// <summary>
    /// IPv6 forms that carry an IPv4 address are refused whatever that address is — a public one as much as
    /// 127.0.0.1 or 169.254.169.254 (the cloud metadata service): behind a translator or a relay, each can reach it.
    /// </summary>
    [Theory]
    [InlineData("64:ff9b::7f00:1", "NAT64 (64:ff9b::/96, embeds an IPv4 address)")] // 127.0.0.1 through NAT64
    [InlineData("64:ff9b::a9fe:a9fe", "NAT64 (64:ff9b::/96, embeds an IPv4 address)")] // 169.254.169.254
    [InlineData("64:ff9b::808:808", "NAT64 (64:ff9b::/96, embeds an IPv4 address)")] // even 8.8.8.8
    [InlineData("64:ff9b:1::a00:1", "NAT64 (64:ff9b:1::/48, local-use translation)")]
    [InlineData("64:ff9b:1:ffff::1", "NAT64 (64:ff9b:1::/48, local-use translation)")]
    [InlineData("::127.0.0.1", "IPv4-compatible (deprecated, embeds an IPv4 address)")]
    [InlineData("::10.0.0.1", "IPv4-compatible (deprecated, embeds an IPv4 address)")]
    [InlineData("::8.8.8.8", "IPv4-compatible (deprecated, embeds an IPv4 address)")]
    [InlineData("::0.0.0.2", "IPv4-compatible (deprecated, embeds an IPv4 address)")]
    [InlineData("2002:7f00:1::1", "6to4 (2002::/16, embeds an IPv4 address)")] // 127.0.0.1
    [InlineData("2002:c0a8:101::1", "6to4 (2002::/16, embeds an IPv4 address)")] // 192.168.1.1
    [InlineData("2002:808:808::1", "6to4 (2002::/16, embeds an IPv4 address)")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo (2001::/32, embeds an IPv4 address)")]
    public void Ipv6_forms_that_embed_an_ipv4_address_are_refused(string address, string why) =>
        Assert.Equal(why, DestinationGuard.WhyForbidden(IPAddress.Parse(address)));

    /// <summary>IPv4-mapped addresses are the IPv4 address itself: refused when it is not public, allowed when it is.</summary>
    [Theory]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("::ffff:192.168.1.1", "private")]
    [InlineData("::ffff:172.20.0.5", "private")]
    [InlineData("::ffff:100.100.0.1", "shared (carrier-grade NAT)")]
    [InlineData("::ffff:0.0.0.0", "unspecified")]
    [InlineData("::ffff:8.8.8.8", null)]
    public void Ipv4_mapped_addresses_are_judged_by_their_ipv4_address(string address, string? why) =>
        Assert.Equal(why, DestinationGuard.WhyForbidden(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://[64:ff9b::7f00:1]/hook")]
    [InlineData("http://[2002:7f00:1::1]/hook")]
    [InlineData("http://[::127.0.0.1]/hook")]
    [InlineData("http://[::ffff:127.0.0.1]/hook")]
    [InlineData("http://[64:ff9b:1::a00:1]:8443/hook")]
    public void An_endpoint_url_with_such_an_address_is_refused_when_registered(string url)
    {
        var errors = new Scop.Aspire.ServiceDefaults.Http.ValidationErrors();

        new Features.UrlPolicy(requireHttps: false, blockPrivateDestinations: true).Validate("url", url, errors);

        Assert.False(errors.IsValid, url);
        Assert.Contains("Must be a public address", string.Join(" ", errors.ToDictionary()["url"]));
    }

    [Fact]
    public async Task A_connection_to_a_nat64_or_6to4_literal_is_refused_before_any_packet_is_sent()
    {
        using var guarded = new WebhookClient(new DestinationGuard(true), TimeProvider.System, TimeSpan.FromSeconds(15), TimeSpan.FromHours(24));
        foreach (var host in new[] { "[64:ff9b::7f00:1]", "[2002:7f00:1::1]", "[::127.0.0.1]", "[64:ff9b:1::a00:1]" })
        {
            var result = await guarded.SendAsync($"http://{host}:9/hooks/x", "msg_1", "{}", [Signing.WebhookSecret.New()], CancellationToken.None);
            Assert.Null(result.StatusCode);
            Assert.Contains("destination refused", result.Error);
        }
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("193.51.24.1")]
    [InlineData("2001:4860:4860::8888")]
    public void Public_addresses_pass(string address) =>
        Assert.Null(DestinationGuard.WhyForbidden(IPAddress.Parse(address)));

    [Fact]
    public async Task With_the_check_on_a_name_that_resolves_to_loopback_is_refused_and_nothing_is_sent()
    {
        await using var receiver = await Receiver.StartAsync();
        var port = new Uri(receiver.BaseUrl).Port;
        var secret = Signing.WebhookSecret.New();

        using var guarded = new WebhookClient(new DestinationGuard(true), TimeProvider.System, TimeSpan.FromSeconds(15), TimeSpan.FromHours(24));
        // "localhost" goes through name resolution (to 127.0.0.1 / ::1): the check runs on what it resolved to.
        var refused = await guarded.SendAsync($"http://localhost:{port}/hooks/guarded", "msg_1", "{}", [secret], CancellationToken.None);
        Assert.Null(refused.StatusCode);
        Assert.Contains("destination refused", refused.Error);
        Assert.Contains("loopback", refused.Error);
        var literal = await guarded.SendAsync($"http://127.0.0.1:{port}/hooks/guarded", "msg_2", "{}", [secret], CancellationToken.None);
        Assert.Contains("destination refused", literal.Error);
        Assert.Empty(receiver.RequestsTo("guarded"));

        using var open = new WebhookClient(new DestinationGuard(false), TimeProvider.System, TimeSpan.FromSeconds(15), TimeSpan.FromHours(24));
        var sent = await open.SendAsync($"http://127.0.0.1:{port}/hooks/guarded", "msg_3", "{}", [secret], CancellationToken.None);
        Assert.Equal(204, sent.StatusCode);
        Assert.Single(receiver.RequestsTo("guarded"));
    }
}
