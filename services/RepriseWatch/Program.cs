using Scop.Aspire.ReferenceData;
using Scop.Aspire.RepriseWatch;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.RepriseWatch.Features;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

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

app.Run();

public partial class Program;
