using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.ServiceDefaults.Http;

/// <summary>
/// The first answer to a creating request made with an <c>Idempotency-Key</c>, kept to answer its retries. A key is
/// the caller's own and names one request target: the same key from another caller, or on another target, is another
/// request.
/// </summary>
public sealed class IdempotencyRecord
{
    public const int MaxKeyLength = 200;
    public const int MaxCallerLength = 300;

    /// <summary>
    /// Longest request target (path with its route values, and query) a key can be kept for: the key's row must fit in
    /// one entry of the primary-key index with the caller and the key.
    /// </summary>
    public const int MaxTargetLength = 2000;

    /// <summary>Who sent the request: <c>user:{sub}</c>, <c>client:{client_id}</c> for a machine, or <c>anonymous</c>.</summary>
    public required string Caller { get; set; }

    /// <summary>The method and the full request target, as sent: <c>POST /api/training/sessions/{id}/bookings?…</c>.</summary>
    public required string Target { get; set; }

    public required string Key { get; set; }

    /// <summary>SHA-256 of the request body: the same key with another body is a client error, not a retry.</summary>
    public required string RequestHash { get; set; }

    public int StatusCode { get; set; }

    public string? Location { get; set; }

    public string? Body { get; set; }

    /// <summary>When the first request was answered; the record expires <see cref="IdempotencyOptions.Retention"/> later.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>How long kept answers last (<c>Scop:Idempotency</c>).</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Scop:Idempotency";

    /// <summary>
    /// A key answers its retries this long after its first request; after that it is free again, and the record is
    /// deleted by <see cref="IdempotencyExpiry"/>. A day covers a client retrying through an outage or overnight.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often expired records are deleted.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(10);
}

public static class Idempotency
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeaderName = "Idempotent-Replayed";

    private const string HandlerSavepoint = "idempotent_request";

    /// <summary>
    /// Makes a creating endpoint idempotent under the <c>Idempotency-Key</c> header, for the caller (their token's
    /// subject, or a machine's client id) and the request target (method, path with its route values, and query). The
    /// key is claimed in the service's database in the same transaction as the effect, so a crash can never separate
    /// them: a retry gets the first answer, a concurrent duplicate waits for the first to finish and then gets its
    /// answer. Kept are a success (2xx) with its effect, and a refusal (4xx) without any: whatever the handler wrote
    /// before refusing is rolled back, so a kept refusal never stands beside half an effect. A failure (5xx, or an
    /// exception) keeps nothing, and a retry runs again.
    /// </summary>
    public static RouteHandlerBuilder WithIdempotency<TDbContext>(this RouteHandlerBuilder endpoint)
        where TDbContext : DbContext =>
        endpoint.WithHeader(HeaderName, required: false, IdempotencyRecord.MaxKeyLength,
            "A key of the client's choosing: a retry with the same key and body gets the first answer again.")
        .AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!http.Request.Headers.TryGetValue(HeaderName, out var values))
            {
                return await next(context);
            }

            var key = values.ToString();
            if (values.Count != 1 || key.Length is 0 or > IdempotencyRecord.MaxKeyLength)
            {
                return JsonBody.Invalid(HeaderName, $"Once, between 1 and {IdempotencyRecord.MaxKeyLength} characters.");
            }

            if (TextInput.Problem(key) is { } problem)
            {
                return JsonBody.Invalid(HeaderName, problem);
            }

            var target = TargetOf(http.Request);
            if (target.Length > IdempotencyRecord.MaxTargetLength)
            {
                return JsonBody.Invalid(HeaderName,
                    $"A request whose target is longer than {IdempotencyRecord.MaxTargetLength} characters cannot be made idempotent.");
            }

            var caller = CallerOf(http.User);
            var db = http.RequestServices.GetRequiredService<TDbContext>();
            var time = http.RequestServices.GetRequiredService<TimeProvider>();
            var retention = http.RequestServices.GetRequiredService<IOptions<IdempotencyOptions>>().Value.Retention;
            var requestHash = await HashBodyAsync(http.Request, http.RequestAborted);
            var now = time.GetUtcNow();

            await using var transaction = await db.Database.BeginTransactionAsync(http.RequestAborted);
            // A new key is claimed; so is an expired one (its purge may not have run yet). A key in use by a request in
            // flight holds its row lock: this waits for that request's answer.
            var claimed = await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO idempotency_keys (caller, target, key, request_hash, status_code, created_at)
                VALUES ({caller}, {target}, {key}, {requestHash}, 0, {now})
                ON CONFLICT (caller, target, key) DO UPDATE
                    SET request_hash = excluded.request_hash, status_code = 0, location = NULL, body = NULL,
                        created_at = excluded.created_at
                    WHERE idempotency_keys.created_at <= {now - retention}
                """, http.RequestAborted);
            if (claimed == 0)
            {
                var first = await db.Set<IdempotencyRecord>().AsNoTracking()
                    .SingleAsync(r => r.Caller == caller && r.Target == target && r.Key == key, http.RequestAborted);
                return first.RequestHash == requestHash
                    ? new ReplayedResult(first)
                    : TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
                        title: "Idempotency-Key reused",
                        detail: "This Idempotency-Key was already used with a different request body.");
            }

            await transaction.CreateSavepointAsync(HandlerSavepoint, http.RequestAborted);
            var result = await next(context);
            var answer = result is INestedHttpResult nested ? nested.Result : result as IResult;
            if (answer is not IStatusCodeHttpResult { StatusCode: >= 200 and < 500 and not (>= 300 and < 400) and var status })
            {
                // Not kept: the transaction rolls back and a retry runs again.
                return result;
            }

            if (status >= 400)
            {
                // A refusal writes nothing, whatever the handler did before deciding to refuse.
                await transaction.RollbackToSavepointAsync(HandlerSavepoint, http.RequestAborted);
            }

            var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            var body = answer is IValueHttpResult { Value: { } value } ? JsonSerializer.Serialize(value, value.GetType(), json) : null;
            await db.Database.ExecuteSqlAsync(
                $"""
                UPDATE idempotency_keys SET status_code = {status}, location = {Location(answer!)}, body = {body}::jsonb
                WHERE caller = {caller} AND target = {target} AND key = {key}
                """, http.RequestAborted);
            await transaction.CommitAsync(http.RequestAborted);
            return result;
        });

    /// <summary>
    /// Whose key it is: a person's token by its subject, a machine's (client credentials, whose subject is its client
    /// id) by its client id. Another caller's key of the same name is another key.
    /// </summary>
    public static string CallerOf(ClaimsPrincipal user)
    {
        var subject = user.FindFirst(PlatformClaims.Subject)?.Value;
        var clientId = user.FindFirst(PlatformClaims.ClientId)?.Value;
        var caller = subject is { Length: > 0 } && subject != clientId ? $"user:{subject}"
            : clientId is { Length: > 0 } ? $"client:{clientId}"
            : subject is { Length: > 0 } ? $"client:{subject}"
            : "anonymous";
        return caller.Length <= IdempotencyRecord.MaxCallerLength
            ? caller
            : $"sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(caller)))}";
    }

    /// <summary>The method and the request target as sent, route values and query included: <c>POST /a/b?c=d</c>.</summary>
    public static string TargetOf(HttpRequest request) =>
        $"{request.Method} {request.PathBase.ToUriComponent()}{request.Path.ToUriComponent()}{request.QueryString.ToUriComponent()}";

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
