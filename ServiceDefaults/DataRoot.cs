using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Scop.Aspire.ServiceDefaults;

/// <summary>
/// Where a service keeps its files (<c>Scop:DataRoot</c>): the identity service's development keys and credentials,
/// partner-hooks' Data Protection keys. The AppHost sets it for the projects that need it; by default it is the
/// repository's <c>.scop/</c> folder (git-ignored), two levels above a service's project.
/// </summary>
public static class DataRoot
{
    public const string Key = "Scop:DataRoot";

    public static string Resolve(IConfiguration configuration, IHostEnvironment environment) =>
        configuration[Key] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, environment.ContentRootPath)
            : Path.GetFullPath(Path.Combine(environment.ContentRootPath, "..", "..", ".scop"));
}
