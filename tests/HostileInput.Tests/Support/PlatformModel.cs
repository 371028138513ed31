using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Scop.Aspire.AppHost.Infrastructure;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.HostileInput.Tests.Support;

/// <summary>A service as the AppHost declares it: its resource name, its project, and the database it owns (if any).</summary>
public sealed record DeclaredService(string Name, string ProjectPath, string? DatabaseConnectionName)
{
    public string AssemblyName => Path.GetFileNameWithoutExtension(ProjectPath);

    public override string ToString() => Name;
}

/// <summary>
/// Reads what runs from the AppHost itself — its application model, built but never started — so a service added
/// there is tested here with no list to update. Every project is a service under test but the gateway, which
/// forwards to them and publishes their documents, not its own, and the web front-end, which has no API (its pages
/// call the services' APIs, where this run sends its input; its forms are driven in a browser by tests/Web.Tests).
/// </summary>
public static class PlatformModel
{
    private static readonly Lazy<Task<IReadOnlyList<DeclaredService>>> Services = new(ReadAsync);

    public static Task<IReadOnlyList<DeclaredService>> ServicesAsync() => Services.Value;

    private static async Task<IReadOnlyList<DeclaredService>> ReadAsync()
    {
        var dataRoot = Path.Combine(Path.GetTempPath(), "scop-hostile-model", Guid.NewGuid().ToString("N")[..8]);
        try
        {
            return await ReadAsync(dataRoot);
        }
        finally
        {
            if (Directory.Exists(dataRoot))
            {
                Directory.Delete(dataRoot, recursive: true);
            }
        }
    }

    private static async Task<IReadOnlyList<DeclaredService>> ReadAsync(string dataRoot)
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Scop_Aspire_AppHost>(
            // Only the model is read, nothing starts; still, the AppHost refuses its default ports when a running system
            // holds them, so it is given none.
            ["--Scop:Infrastructure=local", $"--Scop:DataRoot={dataRoot}", .. LocalInfrastructureSettings.OnFreePorts]);
        var services = new List<DeclaredService>();
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            var database = project.Annotations.OfType<ResourceRelationshipAnnotation>()
                .Select(relationship => relationship.Resource)
                .OfType<IResourceWithConnectionString>()
                .FirstOrDefault(resource => resource is IResourceWithParent { Parent.Name: ResourceNames.Postgres });
            if (project.Name is not (ResourceNames.Gateway or ResourceNames.Web))
            {
                services.Add(new DeclaredService(project.Name, project.GetProjectMetadata().ProjectPath, database?.Name));
            }
        }

        return services.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }
}
