using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Features.Feed;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<PortalDbContext>(ResourceNames.PortalDatabase);
builder.AddMessaging<PortalDbContext>(ResourceNames.Portal);
builder.AddRedisConnection();
builder.AddPlatformAuthentication(PlatformAudiences.Portal);

var app = builder.Build();

app.UseServiceDefaults();
app.MapDefaultEndpoints("/api/portal");
app.MapFeed();

app.Run();

public partial class Program;
