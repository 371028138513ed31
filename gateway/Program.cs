using Microsoft.Extensions.Options;
using Scop.Aspire.Gateway.Proxy;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

// The gateway only forwards: nothing it does per request blocks. So its sockets complete on their I/O threads (one per
// core) and Kestrel runs each request there, instead of waking a thread-pool worker at every hop of every request;
// on 2 busy cores those hand-offs, waiting for a core, lengthened the tail. The runtime reads the variable before the
// first socket, so it is set first; a deployment that sets it to "0" turns both off.
const string inlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
var inlineIo = Environment.GetEnvironmentVariable(inlineCompletions) is null or "1";
if (inlineIo)
{
    Environment.SetEnvironmentVariable(inlineCompletions, "1");
}

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = inlineIo);

builder.AddServiceDefaults();
builder.Services.Configure<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.Section));
builder.AddDownstreamHealthChecks();
AccessControl.ValidateAnonymousRoutes(builder.Configuration);
builder.AddPlatformAuthentication(PlatformAudiences.All, authenticatedByDefault: false);
builder.AddRedisConnection();
builder.AddRateLimits();
builder.AddTrustedProxies();
builder.AddSecurityHeaders();
builder.Services.AddSingleton<OperatorAccess>();
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddServiceDiscoveryDestinationResolver()
    .ConfigureHttpClient((cluster, handler) =>
    {
        var gateway = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        if (gateway.MaxConnectionsPerService < 1)
        {
            throw new InvalidOperationException(
                $"{GatewayOptions.Section}:{nameof(GatewayOptions.MaxConnectionsPerService)} is {gateway.MaxConnectionsPerService}: at least 1.");
        }

        handler.ConnectTimeout = gateway.ConnectTimeout;
        handler.MaxConnectionsPerServer = cluster.NewConfig.MaxConnectionsPerServer ?? gateway.MaxConnectionsPerService;
    });

var app = builder.Build();

// First who the client is and whether it came over TLS (from trusted proxies only), then the public request id and the
// headers every answer carries, then the token, and the rate limit of the caller it proves.
app.UseTrustedProxies();
app.UsePublicRequestIds();
app.UseSecurityHeaders();
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}

app.UseServiceDefaults();
app.UseRateLimits();
app.UseRequestBodyLimit();
app.MapDefaultEndpoints("/api/gateway", healthDetailsFor: app.Services.GetRequiredService<OperatorAccess>().IsOperator);
app.UseSwaggerUI(ui =>
{
    ui.RoutePrefix = "docs";
    ui.DocumentTitle = "Scop.Aspire API";
    // Every service with an API document (a route named "<service>-openapi"); the web front-end has none.
    var routes = app.Configuration.GetSection("ReverseProxy:Routes").GetChildren().Select(r => r.Key).ToHashSet();
    foreach (var service in app.Configuration.GetSection("ReverseProxy:Clusters").GetChildren().Select(c => c.Key)
                 .Where(service => routes.Contains($"{service}-openapi")))
    {
        ui.SwaggerEndpoint($"/openapi/{service}.json", service);
    }
});
app.MapReverseProxy(proxy =>
{
    proxy.UseAccessControl();
    proxy.UseForwardingErrorProblems();
});

await app.RunAsync();

public partial class Program;
