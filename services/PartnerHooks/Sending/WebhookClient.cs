using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Scop.Aspire.PartnerHooks.Payloads;
using Scop.Aspire.PartnerHooks.Signing;

namespace Scop.Aspire.PartnerHooks.Sending;

/// <summary>What one HTTP attempt came to.</summary>
public sealed record AttemptResult(int? StatusCode, int LatencyMs, string? Error, TimeSpan? RetryAfter)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;

    public bool Gone => StatusCode == (int)HttpStatusCode.Gone;
}

/// <summary>
/// Sends one signed webhook. Its own HTTP client, outside the platform's defaults on purpose: no retries of its own
/// (the schedule retries), no redirects followed, no proxy, a 15 s timeout, and connections only to destinations the
/// <see cref="DestinationGuard"/> allows.
/// </summary>
public sealed class WebhookClient : IDisposable
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    private readonly HttpClient http;
    private readonly TimeProvider time;
    private readonly TimeSpan maxRetryAfter;

    public WebhookClient(DestinationGuard guard, TimeProvider time, TimeSpan timeout, TimeSpan maxRetryAfter)
    {
        this.time = time;
        this.maxRetryAfter = maxRetryAfter;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = guard.ConnectAsync,
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // No cap per server: endpoints of different partners may share a host, and the worker already bounds
            // the requests in flight per endpoint.
        };
        http = new HttpClient(handler) { Timeout = timeout };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("Scop-PartnerHooks/1.0");
    }

    /// <param name="secrets">The raw signing secrets: each signs, all signatures are sent (rotation overlap).</param>
    public async Task<AttemptResult> SendAsync(string url, string webhookId, string body, IReadOnlyList<string> secrets,
        CancellationToken ct)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(CloudEvent.MediaType) { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(IdHeader, webhookId);
        request.Headers.TryAddWithoutValidation(TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(SignatureHeader,
            string.Join(' ', secrets.Select(secret => WebhookSignature.Sign(WebhookSecret.KeyOf(secret), webhookId, timestamp, bytes))));

        var stopwatch = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var latency = (int)stopwatch.ElapsedMilliseconds;
            var status = (int)response.StatusCode;
            var retryAfter = status is 429 or 503 ? RetryAfter(response) : null;
            return new AttemptResult(status, latency,
                status is >= 200 and < 300 ? null : $"HTTP {status} {response.ReasonPhrase}".TrimEnd(), retryAfter);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new AttemptResult(null, (int)stopwatch.ElapsedMilliseconds,
                $"timeout: no answer within {http.Timeout.TotalSeconds:0} s", null);
        }
        catch (HttpRequestException exception)
        {
            var refused = FindInner<DestinationRefusedException>(exception);
            return new AttemptResult(null, (int)stopwatch.ElapsedMilliseconds,
                refused?.Message ?? $"connection failed: {exception.HttpRequestError}: {exception.Message}", null);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        if (wait is null)
        {
            return null;
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > maxRetryAfter ? maxRetryAfter : wait;
    }

    private static T? FindInner<T>(Exception? exception)
        where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T found)
            {
                return found;
            }
        }

        return null;
    }

    public void Dispose() => http.Dispose();
}
