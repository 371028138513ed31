using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Scop.Aspire.ServiceDefaults.Security;

/// <summary>
/// ASP.NET Core Data Protection with its keys outside the service's database, in a folder that every replica of the
/// service reads (under <c>Scop:DataRoot</c> by default; a mounted volume in production), so that what one replica
/// protects — a signing secret, a sign-in or antiforgery cookie — the others open. Outside Development each key file
/// is encrypted with a certificate, and the service does not start without it: the folder alone opens nothing.
/// </summary>
public static class ProtectionKeyRing
{
    /// <param name="applicationName">Isolates the service's keys and payloads from any other application's.</param>
    /// <param name="folder">Where the key files are kept.</param>
    /// <param name="certificate">Encrypts each key file at rest (<paramref name="certificateKey"/>).</param>
    /// <param name="previousCertificate">During a change of certificate, the one being replaced.</param>
    /// <param name="certificateKey">The setting of <paramref name="certificate"/>, named in errors.</param>
    /// <param name="protects">What the keys protect, for the error that stops a start without the certificate.</param>
    public static IDataProtectionBuilder AddProtectionKeyRing(this IHostApplicationBuilder builder, string applicationName,
        string folder, CertificateSettings certificate, CertificateSettings previousCertificate, string certificateKey,
        string previousCertificateKey, string protects)
    {
        var dataProtection = builder.Services.AddDataProtection()
            .SetApplicationName(applicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(folder));
        if (certificate.IsSet)
        {
            dataProtection.ProtectKeysWithCertificate(certificate.Load(certificateKey));
            if (previousCertificate.IsSet)
            {
                dataProtection.UnprotectKeysWithAnyCertificate(previousCertificate.Load(previousCertificateKey));
            }
        }
        else if (!builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                $"Outside Development the keys that protect {protects} must be encrypted at rest: set {certificateKey}:Path " +
                $"(a PKCS#12 file) and {certificateKey}:Password. The keys are kept in {folder}.");
        }

        return dataProtection;
    }
}
