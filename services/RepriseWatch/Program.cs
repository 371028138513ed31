using Scop.Aspire.ReferenceData;
using Scop.Aspire.RepriseWatch;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.RepriseWatch.DemoData;
using Scop.Aspire.RepriseWatch.Features;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

if (args is ["seed-demo", ..])
{
    // dotnet run --project services/RepriseWatch -- seed-demo: loads the demo watch over membership's demo register, then exits.
    Environment.ExitCode = await SeedDemo.RunAsync(args[1..]);
    return;
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<RepriseWatchDbContext>(ResourceNames.RepriseWatchDatabase);
builder.AddMessaging<RepriseWatchDbContext>(ResourceNames.RepriseWatch);
builder.AddPlatformAuthentication(PlatformAudiences.RepriseWatch);
builder.Services.Configure<RepriseWatchOptions>(builder.Configuration.GetSection(RepriseWatchOptions.Section));
var reference = FrenchReferenceData.Load();
builder.Services.AddSingleton(reference);
builder.Services.AddSingleton(RegionalUnions.From(builder.Configuration, reference));

var app = builder.Build();

app.UseServiceDefaults();
app.MapDefaultEndpoints(RepriseWatchEndpoints.Prefix);
app.MapRepriseWatch();

await app.RunAsync();

public partial class Program;
