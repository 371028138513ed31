using Microsoft.AspNetCore.Http.HttpResults;

namespace Scop.Aspire.PartnerHooks.Features.Endpoints;

public static class EndpointEndpoints
{
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        // Authorization: federation operators (and, for its own endpoints, the partner's machine client); the
        // policy goes on this group.
        var group = app.MapGroup("/api/partner-hooks/endpoints").WithTags("Endpoints");
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
