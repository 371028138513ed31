using Scop.Aspire.PartnerHooks.Signing;

namespace Scop.Aspire.PartnerHooks.Tests;

public sealed class SigningTests
{
    // The Standard Webhooks specification's published test vector (standard-webhooks repository,
    // libraries/go/webhook_test.go, TestWebhookSign).
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecMessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecPayload = "{\"test\": 2432232314}";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    [Fact]
    public void Signs_the_specification_test_vector()
    {
        Assert.Equal(SpecSignature, WebhookSignature.Sign(SpecSecret, SpecMessageId, SpecTimestamp, SpecPayload));
    }

    [Fact]
    public void Verifies_the_specification_test_vector_alone_or_among_other_signatures_and_rejects_tampering()
    {
        Assert.True(WebhookSignature.Verify(SpecSecret, SpecMessageId, SpecTimestamp, SpecPayload, SpecSignature));
        Assert.True(WebhookSignature.Verify(SpecSecret, SpecMessageId, SpecTimestamp, SpecPayload,
            $"v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= {SpecSignature}"));
        Assert.False(WebhookSignature.Verify(SpecSecret, SpecMessageId, SpecTimestamp, "{\"test\": 2432232315}", SpecSignature));
        Assert.False(WebhookSignature.Verify(SpecSecret, SpecMessageId, SpecTimestamp + 1, SpecPayload, SpecSignature));
        Assert.False(WebhookSignature.Verify(SpecSecret, "msg_other", SpecTimestamp, SpecPayload, SpecSignature));
    }

    [Fact]
    public void New_secrets_are_whsec_and_base64_of_32_random_bytes()
    {
        var first = WebhookSecret.New();
        var second = WebhookSecret.New();
        Assert.StartsWith("whsec_", first);
        Assert.Equal(32, Convert.FromBase64String(first["whsec_".Length..]).Length);
        Assert.NotEqual(first, second);
        Assert.Equal(WebhookSecret.KeyOf(first), WebhookSecret.KeyOf(first["whsec_".Length..]));
    }
}
