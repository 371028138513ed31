using Scop.Aspire.Portal;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.DemoData;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.Portal.Features;
using Scop.Aspire.Portal.Features.Caching;
using Scop.Aspire.Portal.Features.Content;
using Scop.Aspire.Portal.Features.Search;
using Scop.Aspire.Portal.Features.Visits;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

if (args is ["seed-demo", ..])
{
    // dotnet run --project services/Portal -- seed-demo: loads the demo portal, then exits.
    Environment.ExitCode = await SeedDemo.RunAsync(args[1..]);
    return;
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<PortalDbContext>(ResourceNames.PortalDatabase);
builder.AddMessaging<PortalDbContext>(ResourceNames.Portal);
builder.AddRedisConnection();
builder.AddPlatformAuthentication(PlatformAudiences.Portal);
builder.Services.Configure<PortalOptions>(builder.Configuration.GetSection(PortalOptions.Section));
builder.Services.AddSingleton<Markdown>();
builder.Services.AddSingleton<PortalCache>();
builder.Services.AddSingleton<SearchLexicon>();
builder.Services.AddSingleton<SearchIndex>();
builder.Services.AddSingleton<FrenchLexemes>();
builder.Services.AddSingleton<Publication>();
builder.Services.Configure<VisitOptions>(builder.Configuration.GetSection(VisitOptions.Section));
builder.Services.AddSingleton<VisitCounter>();
builder.Services.AddSingleton<VisitFlusher>();
builder.Services.AddHostedService(services => services.GetRequiredService<VisitFlusher>());

var app = builder.Build();

app.UseServiceDefaults();
app.MapDefaultEndpoints(PortalEndpoints.Prefix);
app.MapPortal();

await app.RunAsync();

public partial class Program;
