using Microsoft.AspNetCore.Http.HttpResults;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.PartnerHooks.Features.Endpoints;

public static class EndpointEndpoints
{
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        // Endpoints (secrets, rotation, ping, enable, health) are run by the confederation; a partner's own client
        // has no access here.
        var group = app.MapGroup("/api/partner-hooks/endpoints").WithTags("Endpoints")
            .RequireAuthorization(PlatformPolicies.PartnerAdmin);
        group.MapGetEndpoint();
        group.MapRotateSecret();
        group.MapEnableEndpoint();
        group.MapGetEndpointHealth();
        group.MapSendPing();
        return app;
    }

    internal static ProblemHttpResult NotFound(Guid id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Endpoint not found", detail: $"No endpoint has the id {id}.");
}
