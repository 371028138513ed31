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
    public void Non_public_addresses_are_named(string address, string why) =>
        Assert.Equal(why, DestinationGuard.WhyForbidden(IPAddress.Parse(address)));

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
