using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Features.Cooperatives;
using Scop.Aspire.Membership.ReferenceData;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<MembershipDbContext>(ResourceNames.MembershipDatabase);
builder.AddMessaging<MembershipDbContext>(ResourceNames.Membership);
builder.AddRedisConnection();
var reference = FrenchReferenceData.Load();
builder.Services.AddSingleton(reference);
builder.Services.AddSingleton(RegionalUnions.From(builder.Configuration, reference));
builder.AddPlatformAuthentication(PlatformAudiences.Membership);

var app = builder.Build();

app.UseServiceDefaults();
app.MapDefaultEndpoints("/api/membership");
app.MapCooperatives();

app.Run();

public partial class Program;
