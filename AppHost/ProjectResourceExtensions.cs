using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Scop.Aspire.AppHost;

internal static class ProjectResourceExtensions
{
    /// <summary>Configuration key of the gateway's HTTP port; 0 lets the system pick a free one.</summary>
    public const string GatewayPortKey = "Scop:GatewayPort";

    public const int DefaultGatewayPort = 8080;

    /// <summary>
    /// Configuration key: false lets the services listen on any free port instead of their launch-profile ports, so a
    /// test can run the platform beside a developer's running copy.
    /// </summary>
    public const string FixedServicePortsKey = "Scop:FixedServicePorts";

    /// <summary>
    /// Configuration key of how many processes run each service and the gateway (1 unless set). With more than one,
    /// each is reached through the orchestrator's proxy on the service's port, which spreads connections over them.
    /// </summary>
    public const string ReplicasKey = "Scop:Replicas";

    public static int Replicas(IConfiguration configuration)
    {
        var replicas = configuration.GetValue<int?>(ReplicasKey) ?? 1;
        return replicas is >= 1 and <= 16
            ? replicas
            : throw new InvalidOperationException($"{ReplicasKey} must be between 1 and 16, not {replicas}.");
    }

    /// <summary>
    /// A service as every one of them runs: its own database and the broker (waited for), the identity service's
    /// address for token validation, a health check on <c>/health</c>, the AppHost's environment.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddPlatformService<TProject>(this IDistributedApplicationBuilder builder,
        string name, IResourceBuilder<IResourceWithConnectionString> database,
        IResourceBuilder<IResourceWithConnectionString> broker, IResourceBuilder<ProjectResource> identity)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject<TProject>(name)
            .WithReference(database).WaitFor(database)
            .WithReference(broker).WaitFor(broker)
            .WithReference(identity)
            .WithHttpHealthCheck("/health")
            .WithServicePort(builder.Configuration)
            .WithHostEnvironment(builder);

    /// <summary>
    /// Keeps the service on its launch-profile port unless <c>Scop:FixedServicePorts</c> is false, and runs it as
    /// <c>Scop:Replicas</c> processes. A single process listens on that port itself: without the orchestrator's proxy in
    /// between, a request makes one hop less. Replicas each listen on a port of their own, behind the proxy on the
    /// service's port, which is the one address the others know.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithServicePort(this IResourceBuilder<ProjectResource> service, IConfiguration configuration)
    {
        var replicas = Replicas(configuration);
        var fixedPorts = configuration.GetValue(FixedServicePortsKey, true);
        service.WithEndpoint("http", endpoint =>
        {
            if (!fixedPorts)
            {
                endpoint.Port = Scop.Aspire.LocalServers.FreePorts.Next();
            }

            endpoint.IsProxied = replicas > 1;
        });
        return replicas > 1 ? service.WithReplicas(replicas) : service;
    }

    /// <summary>Puts the gateway's HTTP endpoint on the configured port (8080 unless <c>Scop:GatewayPort</c> says otherwise).</summary>
    public static IResourceBuilder<ProjectResource> WithGatewayPort(this IResourceBuilder<ProjectResource> gateway, IConfiguration configuration)
    {
        var port = configuration.GetValue<int?>(GatewayPortKey) ?? DefaultGatewayPort;
        if (port is < 0 or > 65535)
        {
            throw new InvalidOperationException($"{GatewayPortKey} must be a TCP port (0 for any free port), not {port}.");
        }

        // 0 takes a free port now, not later: the port is part of the tokens' issuer, which every project is told.
        var chosen = port == 0 ? Scop.Aspire.LocalServers.FreePorts.Next() : port;
        var replicas = Replicas(configuration);
        gateway.WithEndpoint("http", endpoint =>
        {
            endpoint.Port = chosen;
            // One gateway: clients reach it, not a proxy in front of it. Replicas: the proxy on that port spreads the
            // clients' connections over them.
            endpoint.IsProxied = replicas > 1;
        });
        return replicas > 1 ? gateway.WithReplicas(replicas) : gateway;
    }

    /// <summary>
    /// Tells the project the issuer of the platform's tokens: the gateway's public address, under which the identity
    /// service is reached from outside (<c>/connect</c>, <c>/.well-known</c>, <c>/account</c>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithIssuer(this IResourceBuilder<ProjectResource> project,
        IResourceBuilder<ProjectResource> gateway) =>
        project.WithEnvironment("Scop__Identity__Issuer", () =>
        {
            var port = gateway.Resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http").Port
                ?? throw new InvalidOperationException("The gateway's port must be fixed before the issuer is known.");
            return $"http://localhost:{port}/";
        });

    /// <summary>
    /// Registers the web front-end's addresses with the identity service's <c>scop-web</c> client: where a sign-in
    /// comes back to and where a sign-out returns, both at the gateway's public address.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithWebClient(this IResourceBuilder<ProjectResource> identity,
        IResourceBuilder<ProjectResource> gateway)
    {
        string At(string path) =>
            $"http://localhost:{gateway.Resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http").Port}/{path}";
        return identity
            .WithEnvironment("Scop__Identity__WebClient__RedirectUris__0", () => At("signin-oidc"))
            .WithEnvironment("Scop__Identity__WebClient__PostLogoutRedirectUris__0", () => At("signout-callback-oidc"));
    }

    /// <summary>
    /// Where the project keeps its files (the identity service's development keys and seeded credentials,
    /// partner-hooks' Data Protection keys): <c>Scop:DataRoot</c>, by default <c>.scop/</c>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDataRoot(this IResourceBuilder<ProjectResource> project,
        IDistributedApplicationBuilder builder)
    {
        var dataRoot = builder.Configuration["Scop:DataRoot"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, builder.AppHostDirectory)
            : Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".scop"));
        return project.WithEnvironment("Scop__DataRoot", dataRoot);
    }

    /// <summary>The environment variable (OpenTelemetry's) of the interval at which a process sends its metrics, in milliseconds.</summary>
    public const string MetricExportIntervalVariable = "OTEL_METRIC_EXPORT_INTERVAL";

    public const int DefaultMetricExportIntervalMilliseconds = 5000;

    /// <summary>
    /// Sends the project's metrics to the dashboard every 5 s instead of Aspire's every second, unless the AppHost's
    /// environment names another interval. Every second, six processes each sent every instrument and the dashboard
    /// stored every point: the dashboard took 0.03 cores of a 2-core machine at rest and 0.07 to 0.11 under the
    /// training bench; at 5 s, 0.01 at rest and 0.04 to 0.05 under the same load (the bench runs in the history of bench/README.md). A chart with a
    /// point every 5 s tells the same story.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithMetricExportInterval(this IResourceBuilder<ProjectResource> project,
        IConfiguration configuration)
    {
        var configured = configuration[MetricExportIntervalVariable];
        var milliseconds = DefaultMetricExportIntervalMilliseconds;
        if (!string.IsNullOrWhiteSpace(configured)
            && !(int.TryParse(configured, NumberStyles.None, CultureInfo.InvariantCulture, out milliseconds)
                && milliseconds > 0))
        {
            throw new InvalidOperationException(
                $"{MetricExportIntervalVariable} is '{configured}': a number of milliseconds above 0 ({DefaultMetricExportIntervalMilliseconds} when unset).");
        }

        return project.WithEnvironment(MetricExportIntervalVariable,
            milliseconds.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Runs the service in the AppHost's environment, so a development AppHost starts services in Development.</summary>
    public static IResourceBuilder<ProjectResource> WithHostEnvironment(this IResourceBuilder<ProjectResource> project, IDistributedApplicationBuilder builder)
    {
        var environment = builder.Environment.EnvironmentName;
        return project
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", environment)
            .WithEnvironment("DOTNET_ENVIRONMENT", environment);
    }
}
