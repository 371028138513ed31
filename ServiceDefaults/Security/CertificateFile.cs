using System.Security.Cryptography.X509Certificates;

namespace Scop.Aspire.ServiceDefaults.Security;

/// <summary>A PKCS#12 file named by configuration (<c>…:Path</c>), its password from a secret store (<c>…:Password</c>).</summary>
public sealed class CertificateSettings
{
    public string? Path { get; set; }

    public string? Password { get; set; }

    public bool IsSet => !string.IsNullOrWhiteSpace(Path);

    /// <summary>Loads the certificate with its private key; <paramref name="key"/> names the setting in errors.</summary>
    public X509Certificate2 Load(string key)
    {
        if (Path is not { Length: > 0 } path)
        {
            throw new InvalidOperationException($"{key}:Path is missing.");
        }

        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{key}:Path names {path}, which does not exist.");
        }

        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, Password, X509KeyStorageFlags.EphemeralKeySet);
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"{key}:Path names {path}, which holds no private key.");
        }

        return certificate;
    }
}
