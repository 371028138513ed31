using Yarp.ReverseProxy.Forwarder;

namespace Scop.Aspire.Gateway.Proxy;

/// <summary>
/// Turns YARP's bare 502/503/504 into ProblemDetails a client can act on: a service that is down or refusing
/// connections is a prompt 503 (try again later), one that stopped answering mid-request a 504.
/// </summary>
public static class ForwardingErrors
{
    public static IReverseProxyApplicationBuilder UseForwardingErrorProblems(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.Use(async (context, next) =>
        {
            await next();
            var error = context.GetForwarderErrorFeature();
            if (error is null || context.Response.HasStarted)
            {
                return;
            }

            var service = context.GetReverseProxyFeature().Route.Cluster?.ClusterId ?? "the service";
            var result = error.Error switch
            {
                ForwarderError.RequestBodyClient when IsBodyTooLarge(error.Exception) =>
                    Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large"),
                ForwarderError.RequestBodyClient or ForwarderError.RequestCanceled =>
                    Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The request body could not be read"),
                ForwarderError.RequestTimedOut =>
                    Results.Problem(statusCode: StatusCodes.Status504GatewayTimeout, title: "Service did not answer in time",
                        detail: $"{service} did not answer in time."),
                _ => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable",
                    detail: $"{service} is not reachable right now; try again shortly."),
            };
            context.Response.Headers.RetryAfter = "5";
            await result.ExecuteAsync(context);
        });
        return proxy;
    }

    /// <summary>
    /// Kestrel's "body too large", however YARP reports it: it wraps a request body failure in an
    /// AggregateException together with the error the outgoing request ended with.
    /// </summary>
    private static bool IsBodyTooLarge(Exception? exception) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsBodyTooLarge),
        { InnerException: { } inner } => IsBodyTooLarge(inner),
        _ => false,
    };
}
