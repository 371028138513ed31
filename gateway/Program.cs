using Microsoft.Extensions.Options;
using Scop.Aspire.Gateway.Proxy;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.Configure<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.Section));
builder.AddDownstreamHealthChecks();
AccessControl.ValidateAnonymousRoutes(builder.Configuration);
builder.AddPlatformAuthentication(PlatformAudiences.All, authenticatedByDefault: false);
builder.AddRedisConnection();
builder.Services.AddSingleton<RedisRateLimiter>();
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

app.UseServiceDefaults();
app.UseRequestBodyLimit();
app.MapDefaultEndpoints("/api/gateway");
app.UseSwaggerUI(ui =>
{
    ui.RoutePrefix = "docs";
    ui.DocumentTitle = "Scop.Aspire API";
    foreach (var service in app.Configuration.GetSection("ReverseProxy:Clusters").GetChildren().Select(c => c.Key))
    {
        ui.SwaggerEndpoint($"/openapi/{service}.json", service);
    }
});
app.MapReverseProxy(proxy =>
{
    proxy.UseRateLimits();
    proxy.UseAccessControl();
    proxy.UseForwardingErrorProblems();
});

app.Run();

public partial class Program;
