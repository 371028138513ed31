using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// The services' OpenAPI documents, as the gateway serves them, are the contract the front-end's typed client is
/// generated from at build time (frontends/Web/Api/OpenApi): the committed copies must be what the services serve, and
/// each must pass Redocly's recommended rules with no error. A drifted copy is rewritten by this test (commit it).
/// </summary>
[Collection(WebLanes.Third)]
public sealed class OpenApiDocumentTests(WebPlatform platform)
{
    public static TheoryData<string> Services => new() { "membership", "portal", "training", "partner-hooks", "identity", "notifications", "reprise-watch", "ambassadors" };

    [Theory]
    [MemberData(nameof(Services))]
    public async Task The_front_ends_copy_of_the_document_is_what_the_service_serves(string service)
    {
        var served = Normalise(await platform.Gateway.GetStringAsync($"/openapi/{service}.json"));
        var path = Path.Combine(WebPlatform.RepositoryRoot(), "frontends", "Web", "Api", "OpenApi", $"{service}.json");
        var committed = File.Exists(path) ? Normalise(await File.ReadAllTextAsync(path)) : "";
        if (committed != served)
        {
            await File.WriteAllTextAsync(path, served);
        }

        Assert.True(committed == served,
            $"{path} differed from what {service} serves; it has been rewritten: rebuild frontends/Web and commit it.");
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task The_document_passes_redocly_lint_with_the_recommended_rules(string service)
    {
        var file = Path.Combine(Path.GetTempPath(), $"scop-openapi-{service}-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await platform.Gateway.GetStringAsync($"/openapi/{service}.json"));
        try
        {
            var lint = Path.Combine(WebPlatform.RepositoryRoot(), "tests", "Web.Tests", "OpenApiLint");
            var redocly = Path.Combine(lint, "node_modules", ".bin", "redocly");
            Assert.True(File.Exists(redocly), $"{redocly} is missing: run 'npm ci --prefix {lint}' (scripts/prerequisites.sh does).");
            var start = new ProcessStartInfo(redocly, ["lint", "--config", Path.Combine(lint, "redocly.yaml"), "--format=stylish", file])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = lint,
            };
            start.Environment["REDOCLY_TELEMETRY"] = "off";
            start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"redocly lint {service}: {await output}\n{await errors}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Indented the same way, whatever the serializer's spacing, so the committed copy reads well in a diff.</summary>
    private static string Normalise(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }) + "\n";
}
