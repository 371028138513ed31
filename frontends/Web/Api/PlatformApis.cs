using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Scop.Aspire.Web.Api;

/// <summary>
/// The typed clients of the platform's APIs, generated at build time from the services' OpenAPI documents
/// (<c>Api/OpenApi/*.json</c>, NSwag), each calling through the gateway with the session's token.
/// </summary>
public static class PlatformApis
{
    public static IHostApplicationBuilder AddPlatformApis(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ApiSession>();
        Add<Membership.MembershipClient>(builder);
        Add<Portal.PortalClient>(builder);
        Add<Training.TrainingClient>(builder);
        Add<PartnerHooks.PartnerHooksClient>(builder);
        Add<Identity.IdentityClient>(builder);
        Add<Notifications.NotificationsClient>(builder);
        Add<RepriseWatch.RepriseWatchClient>(builder);
        Add<Ambassadors.AmbassadorsClient>(builder);
        return builder;
    }

#pragma warning disable EXTEXP0001 // the defaults' pipeline is replaced by one that retries reads only
    private static void Add<TClient>(IHostApplicationBuilder builder) where TClient : class
    {
        builder.Services.AddHttpClient<TClient>((services, http) =>
                http.BaseAddress = new Uri(services.GetRequiredService<IOptions<WebOptions>>().Value.GatewayAddress.TrimEnd('/') + "/"))
            // A change is never sent twice by the resilience pipeline: only reads are retried.
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(resilience => resilience.Retry.DisableForUnsafeHttpMethods());
    }
#pragma warning restore EXTEXP0001
}
