using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Web;

/// <summary>The web front-end's settings (<c>Scop:Web</c>).</summary>
public sealed class WebOptions
{
    public const string Section = "Scop:Web";

    /// <summary>The OAuth client the front-end signs people in as (registered by the identity service in every environment).</summary>
    public string ClientId { get; set; } = "scop-web";

    /// <summary>
    /// Where the front-end calls the APIs: the gateway, found by service discovery. The browser never calls an API
    /// itself; every call leaves the server with the session's access token.
    /// </summary>
    public string GatewayAddress { get; set; } = "http://gateway";

    /// <summary>An access token is refreshed when it has less than this left (tokens live 15 minutes).</summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest a session lasts on this side; the identity service ends it by then anyway (12 h).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Folder of the Data Protection keys that encrypt cookies and stored sessions (default under Scop:DataRoot).</summary>
    public string? KeysFolder { get; set; }

    /// <summary>PKCS#12 file that encrypts the key files at rest; required outside Development.</summary>
    public CertificateSettings KeysCertificate { get; set; } = new();
}
