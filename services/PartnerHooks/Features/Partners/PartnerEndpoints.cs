namespace Scop.Aspire.PartnerHooks.Features.Partners;

public static class PartnerEndpoints
{
    public static IEndpointRouteBuilder MapPartners(this IEndpointRouteBuilder app)
    {
        // Authorization: federation operators manage partners; the policy goes on this group.
        var group = app.MapGroup("/api/partner-hooks/partners").WithTags("Partners");
        group.MapRegisterPartner();
        group.MapListPartners();
        group.MapGetPartner();
        group.MapAddEndpoint();
        return app;
    }
}
