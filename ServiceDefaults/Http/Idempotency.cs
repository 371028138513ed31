using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Scop.Aspire.ServiceDefaults.Http;

/// <summary>The first answer to a creating request made with an <c>Idempotency-Key</c>, kept to answer its retries.</summary>
public sealed class IdempotencyRecord
{
    public const int MaxKeyLength = 200;

    public required string Endpoint { get; set; }

    public required string Key { get; set; }

    /// <summary>SHA-256 of the request body: the same key with another body is a client error, not a retry.</summary>
    public required string RequestHash { get; set; }

    public int StatusCode { get; set; }

    public string? Location { get; set; }

    public string? Body { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public static class Idempotency
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeaderName = "Idempotent-Replayed";

    /// <summary>
    /// Makes a creating endpoint idempotent under the <c>Idempotency-Key</c> header. The key is stored in the
    /// service's database in the same transaction as the effect, so a crash can never separate them: a retry gets
    /// the first answer, a concurrent duplicate waits for the first to finish and then gets its answer.
    /// </summary>
    public static RouteHandlerBuilder WithIdempotency<TDbContext>(this RouteHandlerBuilder endpoint)
        where TDbContext : DbContext =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!http.Request.Headers.TryGetValue(HeaderName, out var values))
            {
                return await next(context);
            }

            var key = values.ToString();
            if (key.Length is 0 or > IdempotencyRecord.MaxKeyLength)
            {
                return JsonBody.Invalid(HeaderName, $"Between 1 and {IdempotencyRecord.MaxKeyLength} characters.");
            }

            var db = http.RequestServices.GetRequiredService<TDbContext>();
            var time = http.RequestServices.GetRequiredService<TimeProvider>();
            var endpointName = $"{http.Request.Method} {http.GetEndpoint()?.DisplayName ?? http.Request.Path}";
            var requestHash = await HashBodyAsync(http.Request, http.RequestAborted);

            await using var transaction = await db.Database.BeginTransactionAsync(http.RequestAborted);
            var claimed = await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO idempotency_keys (endpoint, key, request_hash, status_code, created_at)
                VALUES ({endpointName}, {key}, {requestHash}, 0, {time.GetUtcNow()})
                ON CONFLICT DO NOTHING
                """, http.RequestAborted);
            if (claimed == 0)
            {
                var first = await db.Set<IdempotencyRecord>().AsNoTracking()
                    .SingleAsync(r => r.Endpoint == endpointName && r.Key == key, http.RequestAborted);
                return first.RequestHash == requestHash
                    ? new ReplayedResult(first)
                    : TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
                        title: "Idempotency-Key reused",
                        detail: "This Idempotency-Key was already used with a different request body.");
            }

            var result = await next(context);
            var answer = result is INestedHttpResult nested ? nested.Result : result as IResult;
            if (answer is not IStatusCodeHttpResult { StatusCode: >= 200 and < 500 and not StatusCodes.Status400BadRequest and var status })
            {
                // Not kept: the transaction rolls back and a retry runs again. A request refused as invalid leaves no
                // trace either, so its key can carry the corrected request.
                return result;
            }

            var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            var body = answer is IValueHttpResult { Value: { } value } ? JsonSerializer.Serialize(value, value.GetType(), json) : null;
            await db.Database.ExecuteSqlAsync(
                $"""
                UPDATE idempotency_keys SET status_code = {status}, location = {Location(answer!)}, body = {body}::jsonb
                WHERE endpoint = {endpointName} AND key = {key}
                """, http.RequestAborted);
            await transaction.CommitAsync(http.RequestAborted);
            return result;
        });

    /// <summary>The Location of a Created or Accepted result (their generic types share no interface for it).</summary>
    private static string? Location(IResult result) =>
        result.GetType().GetProperty("Location")?.GetValue(result) as string;

    private static async Task<string> HashBodyAsync(HttpRequest request, CancellationToken ct)
    {
        request.EnableBuffering();
        var hash = await SHA256.HashDataAsync(request.Body, ct);
        request.Body.Position = 0;
        return Convert.ToHexString(hash);
    }

    private sealed class ReplayedResult(IdempotencyRecord first) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = first.StatusCode;
            response.Headers[ReplayedHeaderName] = "true";
            if (first.Location is not null)
            {
                response.Headers.Location = first.Location;
            }

            if (first.Body is not null)
            {
                response.ContentType = first.StatusCode >= 400 ? "application/problem+json" : "application/json";
                await response.WriteAsync(first.Body);
            }
        }
    }
}
