using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.DemoData;
using Scop.Aspire.Membership.Features.Benefits;
using Scop.Aspire.Membership.Features.Cards;
using Scop.Aspire.Membership.Features.Cooperatives;
using Scop.Aspire.Membership.Features.Kits;
using Scop.Aspire.Membership.Features.Mandates;
using Scop.Aspire.Membership.Features.Me;
using Scop.Aspire.Membership.Features.Memberships;
using Scop.Aspire.Membership.Features.People;
using Scop.Aspire.Membership.Features.Public;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

if (args is ["seed-demo", ..])
{
    // dotnet run --project services/Membership -- seed-demo: loads the demo register, then exits.
    Environment.ExitCode = await SeedDemo.RunAsync(args[1..]);
    return;
}

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
app.MapPeople();
app.MapPersonalData();
app.MapMemberships();
app.MapCards();
app.MapBenefits();
app.MapKits();
app.MapMandates();
app.MapMe();
app.MapPublicRegister();

await app.RunAsync();

public partial class Program;
