using Scop.Aspire.Ambassadors;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.DemoData;
using Scop.Aspire.Ambassadors.Features;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

if (args is ["seed-demo", ..])
{
    // dotnet run --project services/Ambassadors -- seed-demo: loads the demo Ambassades over membership's demo register, then exits.
    Environment.ExitCode = await SeedDemo.RunAsync(args[1..]);
    return;
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<AmbassadorsDbContext>(ResourceNames.AmbassadorsDatabase);
builder.AddMessaging<AmbassadorsDbContext>(ResourceNames.Ambassadors);
builder.AddPlatformAuthentication(PlatformAudiences.Ambassadors);
builder.Services.Configure<AmbassadorsOptions>(builder.Configuration.GetSection(AmbassadorsOptions.Section));
var reference = FrenchReferenceData.Load();
builder.Services.AddSingleton(reference);
builder.Services.AddSingleton(FrenchPlaces.Load(reference));
builder.Services.AddSingleton(RegionalUnions.From(builder.Configuration, reference));

var app = builder.Build();

app.UseServiceDefaults();
app.MapDefaultEndpoints(AmbassadorsEndpoints.Prefix);
app.MapAmbassadors();

await app.RunAsync();

public partial class Program;
