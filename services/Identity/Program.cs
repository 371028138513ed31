using Scop.Aspire.Identity;
using Scop.Aspire.Identity.Data;
using Scop.Aspire.Identity.Features.Account;
using Scop.Aspire.Identity.Features.Admin;
using Scop.Aspire.Identity.Features.Connect;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<IdentityServiceDbContext>(ResourceNames.IdentityDatabase);
builder.AddMessaging<IdentityServiceDbContext>(ResourceNames.Identity); // accounts kept in step with the register
builder.AddIdentityServer();

var app = builder.Build();

app.UseServiceDefaults();
app.MapDefaultEndpoints("/api/identity");
app.MapConnect();
app.MapAccount();
app.MapActivation();
app.MapAdmin();

await app.RunAsync();

public partial class Program;
