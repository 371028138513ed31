using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Scop.Aspire.Gateway.Proxy;

/// <summary>
/// Checks the caller's token before anything is forwarded: a route that is not in <c>Scop:Gateway:AnonymousRoutes</c>
/// needs a valid bearer token (signed by the identity service, its issuer, one of the platform's audiences, not
/// expired), else the gateway answers 401 ProblemDetails itself and the service never sees the request. Which roles
/// may do what stays the service's decision.
/// </summary>
public static class AccessControl
{
    public static IReverseProxyApplicationBuilder UseAccessControl(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.Use(async (context, next) =>
        {
            var routeId = context.GetReverseProxyFeature().Route.Config.RouteId;
            var options = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
            if (options.AnonymousRoutes.Contains(routeId) || context.User.Identity?.IsAuthenticated == true)
            {
                await next();
                return;
            }

            await context.ChallengeAsync(JwtBearerDefaults.AuthenticationScheme);
            var hasToken = context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
            await Results.Problem(statusCode: StatusCodes.Status401Unauthorized,
                title: hasToken ? "Invalid token" : "Authentication required",
                detail: hasToken
                    ? "The bearer token is not valid here: expired, altered, of another issuer or audience."
                    : "This API needs a bearer token from the identity service (/connect/token).").ExecuteAsync(context);
        });
        return proxy;
    }

    /// <summary>Every anonymous route must exist: a typo would otherwise silently protect the route it meant to open.</summary>
    public static void ValidateAnonymousRoutes(IConfiguration configuration)
    {
        var routes = configuration.GetSection("ReverseProxy:Routes").GetChildren().Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var anonymous = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>()?.AnonymousRoutes ?? [];
        var unknown = anonymous.Where(r => !routes.Contains(r)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"{GatewayOptions.Section}:AnonymousRoutes names routes that ReverseProxy:Routes does not have: {string.Join(", ", unknown)}.");
        }
    }
}
