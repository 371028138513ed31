using Microsoft.AspNetCore.DataProtection;

namespace Scop.Aspire.PartnerHooks.Signing;

/// <summary>
/// Keeps signing secrets encrypted at rest with ASP.NET Core Data Protection, whose keys are kept outside the database
/// (<see cref="ProtectionKeys"/>). The raw secret exists only in memory while signing and in the one answer that shows it.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    public const string Purpose = "Scop.PartnerHooks.EndpointSecret.v1";

    private readonly IDataProtector protector = provider.CreateProtector(Purpose);

    public string Protect(string secret) => protector.Protect(secret);

    public string Unprotect(string protectedSecret) => protector.Unprotect(protectedSecret);
}
