using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.PartnerHooks.Features.Partners;

public static class PartnerEndpoints
{
    public static IEndpointRouteBuilder MapPartners(this IEndpointRouteBuilder app)
    {
        // Partners are registered and managed by the confederation.
        var group = app.MapGroup("/api/partner-hooks/partners").WithTags("Partners")
            .RequireAuthorization(PlatformPolicies.PartnerAdmin);
        group.MapRegisterPartner();
        group.MapListPartners();
        group.MapGetPartner();
        group.MapAddEndpoint();
        return app;
    }
}
