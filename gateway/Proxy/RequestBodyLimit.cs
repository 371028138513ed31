using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Scop.Aspire.Gateway.Proxy;

/// <summary>
/// Refuses oversized bodies with a 413 ProblemDetails: at once when Content-Length says so, and through Kestrel's
/// limit (which the exception handler turns into the same answer) when a chunked body grows too large.
/// </summary>
public static class RequestBodyLimit
{
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var limit = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.MaxRequestBodyBytes;
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }

            if (context.Request.ContentLength > limit)
            {
                await Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
                    detail: $"The body is {context.Request.ContentLength} bytes; the limit is {limit} bytes.")
                    .ExecuteAsync(context);
                return;
            }

            await next(context);
        });
}
