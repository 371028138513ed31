using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Identity.Keys;

/// <summary>
/// The keys that sign tokens and encrypt codes and refresh tokens. Outside Development they are certificates named
/// by configuration (<c>Scop:Identity:SigningCertificate</c> and <c>:EncryptionCertificate</c>, PKCS#12 files with
/// their passwords from a secret store). In Development two RSA keys are generated at first start and kept under
/// <c>{Scop:DataRoot}/identity/keys</c>, so tokens survive restarts.
/// </summary>
public static class ServerKeys
{
    public static void Configure(OpenIddictServerBuilder server, IdentityServerSettings settings, IConfiguration configuration,
        IHostEnvironment environment)
    {
        if (settings.SigningCertificate.Path is { Length: > 0 } || settings.EncryptionCertificate.Path is { Length: > 0 })
        {
            server.AddSigningCertificate(settings.SigningCertificate.Load("Scop:Identity:SigningCertificate"));
            server.AddEncryptionCertificate(settings.EncryptionCertificate.Load("Scop:Identity:EncryptionCertificate"));
            return;
        }

        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "Outside Development the identity service needs its certificates: set Scop:Identity:SigningCertificate:Path " +
                "and Scop:Identity:EncryptionCertificate:Path (PKCS#12 files) and their :Password.");
        }

        var folder = Path.Combine(DataRoot.Resolve(configuration, environment), "identity", "keys");
        server.AddSigningKey(LoadOrCreate(Path.Combine(folder, "signing-key.pem")));
        server.AddEncryptionKey(LoadOrCreate(Path.Combine(folder, "encryption-key.pem")));
    }

    /// <summary>An RSA key from a PEM file, created (readable by its owner only) when missing.</summary>
    internal static RsaSecurityKey LoadOrCreate(string path)
    {
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            rsa.KeySize = 2048;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // A file of its own per process: replicas starting together each write theirs, and the first moved in place
            // is the key of them all.
            var temporary = $"{path}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temporary, rsa.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary);
                rsa.ImportFromPem(File.ReadAllText(path));
            }
        }

        var modulus = rsa.ExportParameters(false).Modulus!;
        return new RsaSecurityKey(rsa) { KeyId = Base64UrlEncoder.Encode(SHA256.HashData(modulus)[..16]) };
    }
}
