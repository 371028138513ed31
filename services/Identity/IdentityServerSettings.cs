namespace Scop.Aspire.Identity;

/// <summary>The identity service's own settings (<c>Scop:Identity</c>, beside the issuer every service reads).</summary>
public sealed class IdentityServerSettings
{
    public const string Section = "Scop:Identity";

    /// <summary>The public address of the identity service, which is the gateway's; every token carries it.</summary>
    public string? Issuer { get; set; }

    /// <summary>Failed sign-ins in a row before the account is locked.</summary>
    public int MaxFailedLogins { get; set; } = 5;

    public int LockoutMinutes { get; set; } = 15;

    public int AccessTokenMinutes { get; set; } = 15;

    public int RefreshTokenDays { get; set; } = 14;

    /// <summary>
    /// How long a refresh token that was just exchanged still works (a client retrying after a lost answer); past
    /// it, a used refresh token is refused and its whole chain revoked.
    /// </summary>
    public int RefreshTokenReuseLeewaySeconds { get; set; } = 30;

    /// <summary>PKCS#12 file signing tokens outside Development (its public key is published in the JWKS).</summary>
    public CertificateSettings SigningCertificate { get; set; } = new();

    /// <summary>PKCS#12 file encrypting authorization codes and refresh tokens outside Development.</summary>
    public CertificateSettings EncryptionCertificate { get; set; } = new();

    /// <summary>Redirect URIs of the development web client (the front-end's dev server and the curl helper).</summary>
    public string[] DevelopmentWebRedirectUris { get; set; } = ["http://localhost:3000/callback", "http://127.0.0.1/callback"];

    public static string DataRoot(IConfiguration configuration, IHostEnvironment environment) =>
        configuration["Scop:DataRoot"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, environment.ContentRootPath)
            : Path.GetFullPath(Path.Combine(environment.ContentRootPath, "..", "..", ".scop"));
}

public sealed class CertificateSettings
{
    public string? Path { get; set; }

    public string? Password { get; set; }
}
