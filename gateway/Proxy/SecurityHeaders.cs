using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Model;

namespace Scop.Aspire.Gateway.Proxy;

public sealed class SecurityHeaderOptions
{
    /// <summary>
    /// The Content-Security-Policy of every answer whose path no entry of <see cref="ContentSecurityPolicies"/> matches:
    /// nothing may be loaded, run or framed. Right for JSON: a browser that opens an API answer renders nothing of it.
    /// </summary>
    public string ContentSecurityPolicy { get; set; } = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>
    /// The policies of the pages served through the gateway, by path prefix (the longest matching prefix wins), or by
    /// the route that forwarded the request when no prefix matches (a front-end whose pages are every path no other
    /// route takes). The one place where a page gets what it needs: a new front-end adds its prefix or its route here.
    /// </summary>
    public List<PathContentSecurityPolicy> ContentSecurityPolicies { get; set; } = [];

    /// <summary>No address of the platform is sent to another site when a link is followed.</summary>
    public string ReferrerPolicy { get; set; } = "no-referrer";

    /// <summary>How long a browser keeps to HTTPS after an answer over HTTPS (outside Development).</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);
}

public sealed class PathContentSecurityPolicy
{
    /// <summary>A path prefix, by whole segments: <c>/docs</c> matches <c>/docs</c> and <c>/docs/index.html</c>, not <c>/docsx</c>.</summary>
    public string? Path { get; set; }

    /// <summary>Or the id of a route of <c>ReverseProxy:Routes</c>: every answer that route forwards.</summary>
    public string? Route { get; set; }

    public string Policy { get; set; } = "";
}

/// <summary>
/// The headers every answer of the gateway carries, whichever service wrote it and whatever its status: the
/// Content-Security-Policy of its path (the gateway's, replacing any a service set), <c>X-Content-Type-Options:
/// nosniff</c>, <c>Referrer-Policy</c> and <c>X-Frame-Options: DENY</c> (for browsers that do not read CSP's
/// <c>frame-ancestors</c>). Behind a TLS terminator, a request that arrived over HTTPS (as a trusted proxy says) gets
/// every cookie it is given marked <c>Secure</c>, so a session cookie never travels in clear; HSTS is added by
/// ASP.NET Core's own middleware, outside Development, on the same HTTPS answers.
/// </summary>
public static class SecurityHeaders
{
    public static IHostApplicationBuilder AddSecurityHeaders(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>()?.SecurityHeaders
            ?? new SecurityHeaderOptions();
        foreach (var entry in settings.ContentSecurityPolicies)
        {
            var byPath = entry.Path is not null && entry.Route is null && entry.Path.StartsWith('/') && !entry.Path.EndsWith('/');
            var byRoute = entry.Path is null && !string.IsNullOrWhiteSpace(entry.Route);
            if (!(byPath || byRoute) || string.IsNullOrWhiteSpace(entry.Policy))
            {
                throw new InvalidOperationException(
                    $"{GatewayOptions.Section}:SecurityHeaders:ContentSecurityPolicies: '{entry.Path ?? entry.Route}' needs either a path that starts with / and does not end with one, or a route, and a policy.");
            }
        }

        builder.Services.AddHsts(hsts => hsts.MaxAge = settings.HstsMaxAge);
        return builder;
    }

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var settings = app.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value.SecurityHeaders;
        // Longest first: the first prefix that matches is the most specific.
        var policies = settings.ContentSecurityPolicies.Where(p => p.Path is not null).OrderByDescending(p => p.Path!.Length)
            .Select(p => (Path: new PathString(p.Path), p.Policy)).ToArray();
        var routePolicies = settings.ContentSecurityPolicies.Where(p => p.Route is not null)
            .ToDictionary(p => p.Route!, p => p.Policy, StringComparer.Ordinal);
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = PolicyFor(context);
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = settings.ReferrerPolicy;
                headers.XFrameOptions = "DENY";
                if (context.Request.IsHttps && headers.SetCookie.Count > 0)
                {
                    headers.SetCookie = new([.. headers.SetCookie.Select(cookie => Secure(cookie!))]);
                }

                return Task.CompletedTask;
            });
            return next(context);
        });

        string PolicyFor(HttpContext context)
        {
            foreach (var (prefix, policy) in policies)
            {
                if (context.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    return policy;
                }
            }

            return context.Features.Get<IReverseProxyFeature>()?.Route.Config.RouteId is { } route
                   && routePolicies.TryGetValue(route, out var routePolicy)
                ? routePolicy
                : settings.ContentSecurityPolicy;
        }
    }

    /// <summary>The cookie with the <c>Secure</c> attribute, whatever the service behind the TLS terminator believed.</summary>
    private static string Secure(string setCookie) =>
        SetCookieHeaderValue.TryParse(setCookie, out var cookie) && !cookie.Secure
            ? SecureCopy(cookie)
            : setCookie;

    private static string SecureCopy(SetCookieHeaderValue cookie)
    {
        cookie.Secure = true;
        return cookie.ToString();
    }
}
