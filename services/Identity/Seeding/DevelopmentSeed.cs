using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using OpenIddict.Abstractions;
using Scop.Aspire.Identity.Data;
using Scop.Aspire.Identity.Domain;
using Scop.Aspire.Identity.Features.Admin;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Scop.Aspire.Identity.Seeding;

/// <summary>
/// Development only: one user per role (two delegates of different regional unions) and one partner bank's machine
/// client; the web and mobile clients are registered in every environment (<see cref="PublicClients"/>). Passwords and
/// the partner's secret are generated at first start and written to <c>{Scop:DataRoot}/identity/dev-credentials.json</c>
/// (readable by its owner only); nothing secret is in the repository.
/// </summary>
public sealed partial class DevelopmentSeed(IServiceProvider services, IConfiguration configuration,
    IHostEnvironment environment, ILogger<DevelopmentSeed> logger) : StartupWork(logger)
{
    public const string PartnerClientId = "credit-cooperatif";
    public const string DevelopmentCooperativeId = "0195a3c4-1f00-7000-8000-000000000001";

    public sealed record DevUser(string UserName, string DisplayName, string Role, string? RegionalUnion = null,
        Guid? CooperativeId = null);

    public static readonly IReadOnlyList<DevUser> Users =
    [
        new("member", "Camille Coopératrice", PlatformRoles.Member),
        new("manager", "Dominique Gérante", PlatformRoles.CooperativeManager, CooperativeId: Guid.Parse(DevelopmentCooperativeId)),
        new("elected", "Élie Élu", PlatformRoles.Elected),
        new("delegate-aura", "Anne Déléguée (URSCOP Auvergne-Rhône-Alpes)", PlatformRoles.Delegate, RegionalUnion: "urscop-aura"),
        new("delegate-ouest", "Yann Délégué (URSCOP Ouest)", PlatformRoles.Delegate, RegionalUnion: "urscop-ouest"),
        new("federation", "Fanny Fédération", PlatformRoles.Federation),
        new("admin", "Camille Confédération", PlatformRoles.ConfederationAdmin),
    ];

    public sealed record Credentials(Dictionary<string, string> Passwords, Dictionary<string, string> ClientSecrets);

    public static string CredentialsPath(IConfiguration configuration, IHostEnvironment environment) =>
        Path.Combine(DataRoot.Resolve(configuration, environment), "identity", "dev-credentials.json");

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        // One replica at a time, so that the second finds the users, clients and credentials file the first made.
        await using var seeding = await ReplicaLock.AcquireAsync(services.GetRequiredService<NpgsqlDataSource>(), "seed",
            cancellationToken);
        var path = CredentialsPath(configuration, environment);
        var credentials = File.Exists(path)
            ? JsonSerializer.Deserialize<Credentials>(await File.ReadAllTextAsync(path, cancellationToken))!
            : new Credentials([], []);

        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();

        await AdminEndpoints.EnsureRolesAsync(scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>(), PlatformRoles.All,
            cancellationToken);
        foreach (var dev in Users)
        {
            var password = credentials.Passwords.GetValueOrDefault(dev.UserName) ?? NewPassword();
            var user = await users.FindByNameAsync(dev.UserName);
            if (user is null)
            {
                user = new PlatformUser
                {
                    UserName = dev.UserName,
                    DisplayName = dev.DisplayName,
                    RegionalUnion = dev.RegionalUnion,
                    CooperativeId = dev.CooperativeId,
                };
                Check(await users.CreateAsync(user, password));
                Check(await users.AddToRoleAsync(user, dev.Role));
            }
            else if (!credentials.Passwords.ContainsKey(dev.UserName))
            {
                // The credentials file was removed: give the user a new password and write it down again.
                Check(await users.RemovePasswordAsync(user));
                Check(await users.AddPasswordAsync(user, password));
            }

            credentials.Passwords[dev.UserName] = password;
        }

        var partnerSecret = credentials.ClientSecrets.GetValueOrDefault(PartnerClientId) ?? AdminEndpoints.NewSecret();
        var partner = await applications.FindByClientIdAsync(PartnerClientId, cancellationToken);
        if (partner is not null && !credentials.ClientSecrets.ContainsKey(PartnerClientId))
        {
            await applications.DeleteAsync(partner, cancellationToken);
            partner = null;
        }

        // The bank answers the movement's job premiums through the watch's API, besides the enrolments and cards.
        var partnerClient = AdminEndpoints.MachineClient(PartnerClientId, "Crédit Coopératif", partnerSecret,
            [PlatformAudiences.PartnerHooks, PlatformAudiences.Membership, PlatformAudiences.RepriseWatch], [PlatformRoles.Partner]);
        if (partner is null)
        {
            await applications.CreateAsync(partnerClient, cancellationToken);
        }
        else
        {
            await applications.UpdateAsync(partner, partnerClient, cancellationToken); // a scope added since it was made
        }

        credentials.ClientSecrets[PartnerClientId] = partnerSecret;

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(credentials, new JsonSerializerOptions { WriteIndented = true }),
            cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        LogSeeded(logger, Users.Count, path);
    }

    /// <summary>Random, with every character class the password rules ask for guaranteed by the fixed parts.</summary>
    private static string NewPassword() => "Dev-" + AdminEndpoints.NewSecret()[..20] + "-7a";

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Development: {Count} users and the partner client are seeded; their credentials are in {Path}")]
    private static partial void LogSeeded(ILogger logger, int count, string path);
}
