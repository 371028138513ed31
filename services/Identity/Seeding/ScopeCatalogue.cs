using Npgsql;
using OpenIddict.Abstractions;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Identity.Seeding;

/// <summary>
/// The API scopes, in every environment: asking for the scope <c>membership</c> gets a token whose audience is the
/// membership service, and so on for each service.
/// </summary>
public sealed class ScopeCatalogue(IServiceProvider services, ILogger<ScopeCatalogue> logger) : StartupWork(logger)
{
    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        // One replica at a time: two creating the same scope side by side would break the second's start.
        await using var seeding = await ReplicaLock.AcquireAsync(services.GetRequiredService<NpgsqlDataSource>(), "seed",
            cancellationToken);
        await using var scope = services.CreateAsyncScope();
        var scopes = scope.ServiceProvider.GetRequiredService<IOpenIddictScopeManager>();
        foreach (var audience in PlatformAudiences.All)
        {
            if (await scopes.FindByNameAsync(audience, cancellationToken) is null)
            {
                var descriptor = new OpenIddictScopeDescriptor { Name = audience, DisplayName = $"The {audience} API" };
                descriptor.Resources.Add(audience);
                await scopes.CreateAsync(descriptor, cancellationToken);
            }
        }
    }
}
