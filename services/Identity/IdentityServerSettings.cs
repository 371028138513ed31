using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Identity;

/// <summary>The identity service's own settings (<c>Scop:Identity</c>, beside the issuer every service reads).</summary>
public sealed class IdentityServerSettings
{
    public const string Section = "Scop:Identity";

    /// <summary>The public address of the identity service, which is the gateway's; every token carries it.</summary>
    public string? Issuer { get; set; }

    public int AccessTokenMinutes { get; set; } = 15;

    /// <summary>
    /// The absolute lifetime of a session, from the moment the password was entered: the sign-in cookie, and every
    /// refresh and access token issued within the session, end by then at the latest; refreshing never extends it.
    /// </summary>
    public int SessionHours { get; set; } = 12;

    /// <summary>
    /// How long a refresh token stays usable unused (sliding: each refresh gives a new one for as long, within the
    /// session): a client left idle this long signs in again.
    /// </summary>
    public int RefreshTokenHours { get; set; } = 4;

    /// <summary>How sign-in failures are throttled per client address and, much later, per account.</summary>
    public SignInLimits SignIn { get; set; } = new();

    /// <summary>
    /// Addresses (single addresses or CIDR blocks) of the proxies in front of the service, whose <c>X-Forwarded-For</c>
    /// names the client: the gateway. By default loopback only (the gateway on the same machine, as under ./run.sh).
    /// </summary>
    public string[]? TrustedProxies { get; set; }

    /// <summary>
    /// How long a refresh token that was just exchanged still works (a client retrying after a lost answer); past
    /// it, a used refresh token is refused and its whole chain revoked.
    /// </summary>
    public int RefreshTokenReuseLeewaySeconds { get; set; } = 30;

    /// <summary>How long the one-time link that sets a new account's password works (the invitation sent to a new hire).</summary>
    public int InvitationHours { get; set; } = 72;

    /// <summary>PKCS#12 file signing tokens outside Development (its public key is published in the JWKS).</summary>
    public CertificateSettings SigningCertificate { get; set; } = new();

    /// <summary>PKCS#12 file encrypting authorization codes and refresh tokens outside Development.</summary>
    public CertificateSettings EncryptionCertificate { get; set; } = new();

    /// <summary>
    /// Where the Data Protection keys of the sign-in and antiforgery cookies live, shared by every replica (a sign-in
    /// page served by one is posted to another, a cookie set by one is read by the next): by default
    /// <c>{Scop:DataRoot}/identity/cookie-keys</c>; in production a volume of its own, mounted in every replica.
    /// </summary>
    public string? CookieKeysFolder { get; set; }

    /// <summary>PKCS#12 file whose public key encrypts each cookie key file at rest; required outside Development.</summary>
    public CertificateSettings CookieKeysCertificate { get; set; } = new();

    /// <summary>During a change of certificate, the one being replaced: key files it protected can still be opened.</summary>
    public CertificateSettings PreviousCookieKeysCertificate { get; set; } = new();

    /// <summary>Redirect URIs the development web client takes besides its configured ones (the curl helper's).</summary>
    public string[] DevelopmentWebRedirectUris { get; set; } = ["http://localhost:3000/callback", "http://127.0.0.1/callback"];

    /// <summary>
    /// The web front-end's public client <c>scop-web</c>, registered in every environment: where a sign-in returns
    /// (<c>{gateway}/signin-oidc</c>) and where a sign-out returns (<c>{gateway}/signout-callback-oidc</c>).
    /// </summary>
    public PublicClientSettings WebClient { get; set; } = new();

    /// <summary>The mobile app's public client <c>scop-mobile</c>, registered in every environment.</summary>
    public PublicClientSettings MobileClient { get; set; } = new();
}

/// <summary>A public client of the code flow with PKCE: the addresses it may be sent back to.</summary>
public sealed class PublicClientSettings
{
    public string[] RedirectUris { get; set; } = [];

    public string[] PostLogoutRedirectUris { get; set; } = [];
}

/// <summary>
/// Sign-in failures are counted per client address first: an address that fails <see cref="FailuresPerAddress"/> times
/// within <see cref="WindowMinutes"/> is answered 429 until its oldest failure leaves the window, before any password is
/// checked. An account is locked (for <see cref="LockoutMinutes"/>) only when it has failed
/// <see cref="AccountFailures"/> times within the window from at least <see cref="AccountAddresses"/> different
/// addresses: one address alone, throttled long before, can never lock anyone out.
/// </summary>
public sealed class SignInLimits
{
    public int WindowMinutes { get; set; } = 15;

    public int FailuresPerAddress { get; set; } = 20;

    public int AccountFailures { get; set; } = 30;

    public int AccountAddresses { get; set; } = 3;

    public int LockoutMinutes { get; set; } = 15;
}
