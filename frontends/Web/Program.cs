using System.Globalization;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.Web;
using Scop.Aspire.Web.Api;
using Scop.Aspire.Web.Components;
using Scop.Aspire.Web.Session;

// French everywhere: dates, numbers and amounts in euros, on every thread (pages and interactive circuits alike).
var french = CultureInfo.GetCultureInfo("fr-FR");
CultureInfo.DefaultThreadCurrentCulture = french;
CultureInfo.DefaultThreadCurrentUICulture = french;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisConnection();
builder.AddWebSession();
builder.AddPlatformApis();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();

var app = builder.Build();

app.UseExceptionHandler("/erreur", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/statut/{0}", createScopeForStatusCodePages: true);
app.UseRequestLocalization(new RequestLocalizationOptions { DefaultRequestCulture = new(french), SupportedCultures = [french], SupportedUICultures = [french] });
app.UseBrowserHeaders();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapHealthEndpoints();
app.MapStaticAssets();
app.MapWebSession();
app.MapSpaceDocuments();
app.MapRazorComponents<App>()
    // BrowserHeaders sends the whole policy, frame-ancestors 'none' included.
    .AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null);

await app.RunAsync();

public partial class Program;
