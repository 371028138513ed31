using System.Text.Json;

namespace Scop.Aspire.Infrastructure.Tests;

/// <summary>
/// The system started by the README's command runs every project on the port of its launch profile: two projects on
/// the same port and the second dies at start (and the gateway, waiting for it, never starts). The tests run on free
/// ports and would not see it.
/// </summary>
public sealed class LaunchSettingsTests
{
    [Fact]
    public void Every_project_listens_on_a_port_of_its_own()
    {
        var root = RepositoryRoot();
        var ports = Directory.EnumerateFiles(root, "launchSettings.json", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")
                           && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                           && !path.Contains($"{Path.DirectorySeparatorChar}tests{Path.DirectorySeparatorChar}")
                           && !path.Contains($"{Path.DirectorySeparatorChar}AppHost{Path.DirectorySeparatorChar}"))
            .SelectMany(path => UrlsOf(path).Select(url => (Project: Path.GetRelativePath(root, path), new Uri(url).Port)))
            .ToList();

        Assert.NotEmpty(ports);
        var shared = ports.GroupBy(p => p.Port).Where(g => g.Select(p => p.Project).Distinct().Count() > 1)
            .Select(g => $"port {g.Key}: {string.Join(", ", g.Select(p => p.Project).Distinct())}").ToList();
        Assert.True(shared.Count == 0, "Projects sharing a port: " + string.Join("; ", shared));
    }

    private static IEnumerable<string> UrlsOf(string launchSettings)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(launchSettings));
        if (!document.RootElement.TryGetProperty("profiles", out var profiles))
        {
            return [];
        }

        return profiles.EnumerateObject()
            .Where(p => p.Value.TryGetProperty("applicationUrl", out _))
            .SelectMany(p => p.Value.GetProperty("applicationUrl").GetString()!.Split(';', StringSplitOptions.RemoveEmptyEntries))
            .ToList();
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Scop.Aspire.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Scop.Aspire.sln not found above the test's folder.");
    }
}
