using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Training;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Features;
using Scop.Aspire.Training.Features.Bookings;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<TrainingDbContext>(ResourceNames.TrainingDatabase);
builder.AddMessaging<TrainingDbContext>(ResourceNames.Training);
builder.AddPlatformAuthentication(PlatformAudiences.Training);
builder.Services.Configure<TrainingOptions>(builder.Configuration.GetSection(TrainingOptions.Section));
builder.Services.AddScoped<SeatLedger>();

var app = builder.Build();

app.UseServiceDefaults();
app.MapDefaultEndpoints(TrainingEndpoints.Prefix);
app.MapTraining();

await app.RunAsync();

public partial class Program;
