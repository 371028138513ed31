using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Features.Cooperatives;
using Scop.Aspire.Membership.ReferenceData;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<MembershipDbContext>(ResourceNames.MembershipDatabase);
builder.AddMessaging<MembershipDbContext>(ResourceNames.Membership);
builder.AddRedisConnection();
builder.Services.AddSingleton(FrenchReferenceData.Load());

var app = builder.Build();

app.UseServiceDefaults();
app.MapDefaultEndpoints("/api/membership");
app.MapCooperatives();

app.Run();

public partial class Program;
