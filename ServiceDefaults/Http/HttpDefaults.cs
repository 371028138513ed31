using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi;

namespace Scop.Aspire.ServiceDefaults.Http;

public static class HttpDefaults
{
    public static IHostApplicationBuilder AddHttpDefaults(this IHostApplicationBuilder builder)
    {
        // A problem names the request by its public id, never by its trace id: the trace id is internal (it names
        // every span of every service the request crossed), and the gateway logs the one beside the other.
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions.Remove("traceId");
            context.ProblemDetails.Extensions.TryAdd(RequestIds.ProblemProperty, RequestIds.Of(context.HttpContext));
        });
        builder.Services.Configure<JsonOptions>(options => ConfigureJson(options.SerializerOptions));
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer(WithoutServers);
            options.CreateSchemaReferenceId = ApiContract.SchemaReferenceId;
            OpenApiDocuments.Configure(options);
        });

        // A query or path value that does not bind to its parameter is an exception in every environment (by default
        // only in Development), so that it leaves as the same field-level ProblemDetails everywhere.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<RequestInput.BadRequestHandler>();
        builder.Services.AddExceptionHandler<ServerAwayHandler>();
        return builder;
    }

    /// <summary>
    /// No <c>servers</c> in the OpenAPI documents: the framework would list the address the document was asked at,
    /// which behind the gateway is the service's internal host and port. Without servers a document's paths are
    /// relative to where it is read, the gateway, which is where they are served (<c>/api/&lt;service&gt;/…</c>).
    /// </summary>
    private static Task WithoutServers(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Servers?.Clear();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The JSON conventions of every API: camelCase, enums as their names, no nulls written, and numbers as JSON
    /// numbers (the web defaults also read "12" as 12, which the documents then had to declare as integer or string).
    /// </summary>
    public static void ConfigureJson(System.Text.Json.JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter());
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    /// <summary>
    /// Every error leaves as RFC 9457 ProblemDetails: unhandled exceptions become a 500 without internals, a server the
    /// service needs being away for a moment a 503 with <c>Retry-After</c> (<see cref="ServerAwayHandler"/>), and
    /// framework rejections (a body too large, a value that does not bind) keep their 4xx status. Query and path
    /// values meet <see cref="RequestInput"/>'s rules before any endpoint runs.
    /// </summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception is BadHttpRequestException bad
                ? bad.StatusCode
                : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        if (app.Services.GetService<IAuthenticationSchemeProvider>() is not null)
        {
            // After the status-code pages, so a bare 401 or 403 leaves as ProblemDetails too.
            app.UseAuthentication();
            app.UseAuthorization();
        }

        app.Use(RequestInput.RefuseHostileValuesAsync);
        return app;
    }

    /// <summary>
    /// PostgreSQL restarting, Redis gone, a connection cut (<see cref="Data.TransientFailures"/>): nothing is wrong with
    /// the request. The client is told to send it again shortly — with its <c>Idempotency-Key</c>, a retry never applies
    /// it twice, even when the connection was cut after the commit — rather than that the service failed.
    /// </summary>
    public sealed class ServerAwayHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public const int RetryAfterSeconds = 2;

        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
        {
            if (!Data.TransientFailures.IsTransient(exception))
            {
                return false;
            }

            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                Exception = exception,
                ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Service unavailable",
                    Detail = "A server this service needs is not answering right now. Try again shortly.",
                },
            });
        }
    }
}
