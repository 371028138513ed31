using Microsoft.Extensions.Options;
using Scop.Aspire.PartnerHooks;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.PartnerHooks.Domain;
using Scop.Aspire.PartnerHooks.Sending;
using Scop.Aspire.PartnerHooks.Features;
using Scop.Aspire.PartnerHooks.Features.Deliveries;
using Scop.Aspire.PartnerHooks.Features.Endpoints;
using Scop.Aspire.PartnerHooks.Features.Partners;
using Scop.Aspire.PartnerHooks.Signing;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<PartnerHooksDbContext>(ResourceNames.PartnerHooksDatabase);
builder.AddMessaging<PartnerHooksDbContext>(ResourceNames.PartnerHooks);
builder.AddPlatformAuthentication(PlatformAudiences.PartnerHooks);

// Signing secrets are encrypted at rest; the keys that encrypt them live in a folder outside the database, encrypted
// with a certificate outside Development.
builder.Services.Configure<PartnerHooksOptions>(builder.Configuration.GetSection(PartnerHooksOptions.Section));
var settings = builder.Configuration.GetSection(PartnerHooksOptions.Section).Get<PartnerHooksOptions>() ?? new PartnerHooksOptions();
builder.AddProtectionKeys(settings);

// Delivery: outside Development, https only and public destinations only.
var development = builder.Environment.IsDevelopment();
builder.Services.AddSingleton(new UrlPolicy(settings.RequireHttps ?? !development, settings.BlockPrivateDestinations ?? !development));
builder.Services.AddSingleton(new DestinationGuard(settings.BlockPrivateDestinations ?? !development));
builder.Services.AddSingleton(services =>
{
    var options = services.GetRequiredService<IOptions<PartnerHooksOptions>>().Value;
    return new WebhookClient(services.GetRequiredService<DestinationGuard>(), services.GetRequiredService<TimeProvider>(),
        options.RequestTimeout, options.MaxRetryAfter);
});
builder.Services.AddSingleton<SecretProtector>();
// New deliveries wake the workers of every replica once the event's unit of work commits.
builder.Services.AddCommitWakeup<Delivery>(PartnerHooksDbContext.DeliveriesChannel, _ => true);
builder.Services.AddSingleton<DeliveryProcessor>();
builder.Services.AddHostedService<DeliveryWorker>();

var app = builder.Build();

// Before the migrations drop the table where earlier versions kept the keys.
await ProtectionKeys.MoveOutOfDatabaseAsync(app.Services.GetRequiredService<Npgsql.NpgsqlDataSource>(),
    ProtectionKeys.Folder(settings, app.Configuration, app.Environment), app.Environment, app.Logger);

app.UseServiceDefaults();
app.MapDefaultEndpoints("/api/partner-hooks");
app.MapPartners();
app.MapWebhookEndpoints();
app.MapDeliveries();

// Awaited, never a blocking Run(): after the awaits above, Main may go on inside the completion of Npgsql's first
// connection, and blocking there left that connection's start unfinished: the next replica started hung for good.
await app.RunAsync();

public partial class Program;
