using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scop.Aspire.PartnerHooks.Signing;
using Scop.Aspire.Testing.Hosting;

namespace Scop.Aspire.PartnerHooks.Tests.Support;

/// <summary>How a receiver path answers.</summary>
public enum ReceiverMode
{
    Ok,
    Gone,
    TooManyRequests,
    Unavailable,
    ServerError,
    Slow,

    /// <summary>The connection is dropped without an answer, as a crashed receiver does.</summary>
    Down,
}

public sealed record ReceivedRequest(
    string Path,
    string? WebhookId,
    string? Timestamp,
    string? Signature,
    string? ContentType,
    string Body,
    DateTimeOffset ReceivedAt,
    bool SignatureVerified,
    ReceiverMode AnsweredWith);

/// <summary>
/// A real HTTP receiver on 127.0.0.1 (Kestrel), one path per partner endpoint: records every request, verifies its
/// Standard Webhooks signature with the secret(s) the test gave it, deduplicates by webhook-id as a careful partner
/// does, and answers as told.
/// </summary>
public sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, ReceiverMode> modes = new();
    private readonly ConcurrentDictionary<string, string[]> secrets = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> processed = new();

    private Receiver(WebApplication app)
    {
        this.app = app;
    }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public string RetryAfter { get; set; } = "7";

    public TimeSpan SlowFor { get; set; } = TimeSpan.FromSeconds(6);

    public string BaseUrl { get; private set; } = "";

    public static async Task<Receiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var receiver = new Receiver(app);
        app.MapPost("/hooks/{name}", receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseUrl = ListeningAddress.Of(app.Services).GetLeftPart(UriPartial.Authority);
        return receiver;
    }

    public string UrlOf(string name) => $"{BaseUrl}/hooks/{name}";

    public void Set(string name, ReceiverMode mode) => modes[name] = mode;

    public void TrustSecrets(string name, params string[] trusted) => secrets[name] = trusted;

    public IReadOnlyList<ReceivedRequest> RequestsTo(string name) =>
        Requests.Where(r => r.Path == name).ToList();

    /// <summary>The webhook-ids the receiver processed (answered 2xx to), after its deduplication.</summary>
    public IReadOnlyCollection<string> ProcessedIds(string name) =>
        processed.TryGetValue(name, out var ids) ? ids.Keys.ToList() : [];

    private async Task HandleAsync(string name, HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var id = context.Request.Headers["webhook-id"].ToString();
        var timestamp = context.Request.Headers["webhook-timestamp"].ToString();
        var signature = context.Request.Headers["webhook-signature"].ToString();
        var verified = secrets.TryGetValue(name, out var trusted) && long.TryParse(timestamp, out var ts)
            && trusted.Any(secret => WebhookSignature.Verify(secret, id, ts, body, signature));
        var mode = modes.GetValueOrDefault(name, ReceiverMode.Ok);
        Requests.Enqueue(new ReceivedRequest(name, id, timestamp, signature, context.Request.ContentType, body,
            DateTimeOffset.UtcNow, verified, mode));

        switch (mode)
        {
            case ReceiverMode.Down:
                context.Abort();
                return;
            case ReceiverMode.Gone:
                context.Response.StatusCode = StatusCodes.Status410Gone;
                return;
            case ReceiverMode.TooManyRequests or ReceiverMode.Unavailable:
                context.Response.StatusCode = mode == ReceiverMode.TooManyRequests ? 429 : 503;
                context.Response.Headers.RetryAfter = RetryAfter;
                return;
            case ReceiverMode.ServerError:
                context.Response.StatusCode = 500;
                return;
            case ReceiverMode.Slow:
                await Task.Delay(SlowFor);
                break;
        }

        // A careful partner: a webhook-id seen before is acknowledged and not processed again.
        processed.GetOrAdd(name, _ => new ConcurrentDictionary<string, byte>()).TryAdd(id, 0);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
