namespace Scop.Aspire.Membership.Features.Cooperatives;

public static class CooperativeEndpoints
{
    public static IEndpointRouteBuilder MapCooperatives(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/membership/cooperatives").WithTags("Cooperatives");
        group.MapRegisterCooperative();
        group.MapGetCooperative();
        group.MapListCooperatives();
        group.MapUpdateCooperative();
        return app;
    }
}
