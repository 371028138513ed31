using Scop.Aspire.Membership.ReferenceData;

namespace Scop.Aspire.RepriseWatch;

/// <summary>
/// The régions' unions as the register maps them: the <c>Scop:RegionalUnions</c> table of membership's settings, built
/// into this service, so that an opportunity's commune falls in the same union as a cooperative's would. This service's
/// own configuration may still say otherwise (the same keys), as membership's may.
/// </summary>
public static class RegisterSettings
{
    public static RegionalUnions RegionalUnions(IConfiguration configuration, FrenchReferenceData reference)
    {
        using var register = typeof(RegisterSettings).Assembly.GetManifestResourceStream("Scop.Aspire.RepriseWatch.RegisterSettings.json")
            ?? throw new InvalidOperationException("The register's settings are not embedded in the service.");
        var combined = new ConfigurationBuilder().AddJsonStream(register).AddConfiguration(configuration).Build();
        return Scop.Aspire.Membership.ReferenceData.RegionalUnions.From(combined, reference);
    }
}
