using System.Diagnostics;
using Yarp.ReverseProxy.Model;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.Gateway.Proxy;

/// <summary>
/// Gives every request its public id (<see cref="RequestIds"/>): a new one, whatever the client sent, in the
/// <c>X-Request-Id</c> header of the answer and of the request the service receives, and in every ProblemDetails
/// (<c>requestId</c>). The trace id stays inside the platform. To go from one to the other, the gateway tags its span
/// with the request id (<c>scop.request_id</c>, searchable among the recorded traces) and logs every answer that is a
/// problem — its request id, status, route and trace id — whether the trace was recorded or not. Refusals by the rate
/// limits (429) are not logged: a flood would flood the logs, and their answer says why already.
/// </summary>
public static partial class PublicRequestIds
{
    public const string SpanTag = "scop.request_id";

    public static IApplicationBuilder UsePublicRequestIds(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PublicRequestIds));
        return app.Use(async (context, next) =>
        {
            var id = RequestIds.New();
            context.Request.Headers[RequestIds.Header] = id;
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[RequestIds.Header] = id;
                return Task.CompletedTask;
            });
            Activity.Current?.SetTag(SpanTag, id);

            await next(context);

            var status = context.Response.StatusCode;
            if (status >= StatusCodes.Status400BadRequest && status != StatusCodes.Status429TooManyRequests)
            {
                var route = context.Features.Get<IReverseProxyFeature>()?.Route.Config.RouteId ?? "gateway";
                LogProblem(logger, id, status, context.Request.Method, route, Activity.Current?.TraceId.ToString() ?? "none");
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Request {RequestId} answered {StatusCode} ({Method} on route {RouteId}) in trace {TraceId}")]
    private static partial void LogProblem(ILogger logger, string requestId, int statusCode, string method, string routeId,
        string traceId);
}
