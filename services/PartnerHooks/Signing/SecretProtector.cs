using Microsoft.AspNetCore.DataProtection;

namespace Scop.Aspire.PartnerHooks.Signing;

/// <summary>
/// Keeps signing secrets encrypted at rest with ASP.NET Core Data Protection (keys in the service's database, or in
/// the folder <c>Scop:PartnerHooks:KeysFolder</c> names). The raw secret exists only in memory while signing and in
/// the one answer that shows it.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector protector = provider.CreateProtector("Scop.PartnerHooks.EndpointSecret.v1");

    public string Protect(string secret) => protector.Protect(secret);

    public string Unprotect(string protectedSecret) => protector.Unprotect(protectedSecret);
}
