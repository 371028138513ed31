using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.Contracts.PartnerHooks;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.PartnerHooks.Domain;
using Scop.Aspire.PartnerHooks.Signing;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.PartnerHooks.Sending;

/// <summary>
/// Makes one attempt of one claimed delivery and records what came of it, in one transaction: the attempt in the log,
/// the delivery's next step (done, next attempt per schedule or Retry-After, failed), the endpoint's health, and —
/// when the endpoint answered 410 or has failed for too long — its disabling, with <see cref="PartnerEndpointDisabled"/>
/// in the outbox.
/// </summary>
public sealed partial class DeliveryProcessor(
    IServiceScopeFactory scopes,
    WebhookClient client,
    SecretProtector secrets,
    TimeProvider time,
    IOptions<PartnerHooksOptions> options,
    ILogger<DeliveryProcessor> logger)
{
    public static readonly ActivitySource ActivitySource = new(typeof(DeliveryProcessor).Assembly.GetName().Name!);

    /// <summary>How precisely an endpoint's <c>last_success_at</c> follows its successes (see its health).</summary>
    public static readonly TimeSpan LastSuccessResolution = TimeSpan.FromSeconds(1);

    /// <param name="answered">
    /// Called once the receiver has answered (or the request failed), before the attempt is recorded: from then on
    /// the request no longer occupies the endpoint, only the database write remains.
    /// </param>
    public async Task AttemptAsync(Guid deliveryId, CancellationToken ct, Action? answered = null)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PartnerHooksDbContext>();
        // The delivery (tracked: its outcome is saved) and its endpoint in one round trip.
        var found = await db.Deliveries.Where(d => d.Id == deliveryId)
            .Join(db.Endpoints, d => d.EndpointId, e => e.Id, (d, e) => new { Delivery = d, Endpoint = e })
            .SingleAsync(ct);
        var (delivery, endpoint) = (found.Delivery, found.Endpoint);
        if (delivery.Status != DeliveryStatus.Pending)
        {
            return;
        }

        if (!endpoint.Enabled)
        {
            delivery.Abandon($"endpoint disabled: {endpoint.DisabledReason}", time.GetUtcNow());
            await db.SaveChangesAsync(ct);
            return;
        }

        using var activity = StartActivity(delivery, endpoint);
        var startedAt = time.GetUtcNow();
        AttemptResult result;
        try
        {
            var raw = endpoint.SigningSecrets(startedAt).Select(secrets.Unprotect).ToList();
            result = await client.SendAsync(endpoint.Url, delivery.WebhookId, delivery.Body, raw, ct);
            answered?.Invoke();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down mid-request: no attempt counted, the claim released for the next worker.
            await db.Database.ExecuteSqlAsync(
                $"UPDATE deliveries SET claimed_until = NULL WHERE id = {deliveryId}", CancellationToken.None);
            throw;
        }

        activity?.SetTag("http.response.status_code", result.StatusCode);
        if (!result.Succeeded)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Error);
            LogAttemptFailed(logger, delivery.Id, endpoint.Id, delivery.AttemptCount + 1, result.Error);
        }

        await RecordAsync(db, delivery, endpoint, startedAt, result, CancellationToken.None);
    }

    private async Task RecordAsync(PartnerHooksDbContext db, Domain.Delivery delivery, WebhookEndpoint endpoint,
        DateTimeOffset at, AttemptResult result, CancellationToken ct)
    {
        db.DeliveryAttempts.Add(new DeliveryAttempt
        {
            DeliveryId = delivery.Id,
            EndpointId = endpoint.Id,
            AttemptedAt = at,
            StatusCode = result.StatusCode,
            LatencyMs = result.LatencyMs,
            Succeeded = result.Succeeded,
            Error = result.Error is { Length: > Domain.Delivery.MaxErrorLength } e ? e[..Domain.Delivery.MaxErrorLength] : result.Error,
        });

        if (result.Succeeded)
        {
            // The attempt and the delivery's outcome in one SaveChanges, which is atomic by itself: the common case
            // costs one batch and its commit.
            delivery.Succeeded(result.StatusCode!.Value, at);
            await db.SaveChangesAsync(ct);
            // The endpoint's row only when something changes: the end of a run of failures, or a last success more
            // than a second old. Writing it on every success made concurrent deliveries to one endpoint queue on its
            // row lock, one commit after the other. The row as read with the delivery tells whether to try at all; the
            // statement checks again against the row as it is now. A crash before it leaves the endpoint's health a
            // success behind, which the next success repairs.
            var stale = at - LastSuccessResolution;
            if (endpoint.ConsecutiveFailures != 0 || endpoint.FailingSince is not null || endpoint.LastSuccessAt is not { } last || last < stale)
            {
                await db.Database.ExecuteSqlAsync(
                    $"""
                    UPDATE endpoints SET consecutive_failures = 0, failing_since = NULL, last_success_at = {at}
                    WHERE id = {endpoint.Id}
                      AND (consecutive_failures <> 0 OR failing_since IS NOT NULL OR last_success_at IS NULL OR last_success_at < {stale})
                    """, ct);
            }

            return;
        }

        // A failure changes the endpoint's health and may disable it: all of it commits together, or none.
        db.Database.AutoSavepointsEnabled = false; // all or nothing: a savepoint per SaveChanges would only cost round trips
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        delivery.Failed(result.StatusCode, result.Error ?? "failed", at, result.RetryAfter, Random.Shared);
        var failingSince = await db.Database.SqlQuery<DateTimeOffset>(
            $"""
            UPDATE endpoints SET consecutive_failures = consecutive_failures + 1,
                failing_since = COALESCE(failing_since, {at}), last_failure_at = {at}
            WHERE id = {endpoint.Id}
            RETURNING failing_since AS "Value"
            """).ToListAsync(ct);

        string? disableReason = null;
        if (result.Gone)
        {
            disableReason = "The endpoint answered 410 Gone.";
        }
        else if (failingSince is [var since] && at - since >= options.Value.DisableAfterFailingFor)
        {
            disableReason = $"No successful delivery since {since:u}: failing for {(at - since).TotalDays:0.#} days.";
        }

        if (disableReason is not null)
        {
            delivery.Abandon(disableReason, at);
            await DisableAsync(db, endpoint.Id, disableReason, at, ct);
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Disables an endpoint (once, whoever gets there first), fails its pending deliveries so they can be replayed
    /// after it is enabled again, and tells the partner through <see cref="PartnerEndpointDisabled"/>.
    /// </summary>
    internal static async Task DisableAsync(PartnerHooksDbContext db, Guid endpointId, string reason, DateTimeOffset now,
        CancellationToken ct)
    {
        var disabled = await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE endpoints SET enabled = FALSE, disabled_at = {now}, disabled_reason = {reason}
            WHERE id = {endpointId} AND enabled
            """, ct);
        if (disabled == 0)
        {
            return;
        }

        var abandonedError = $"endpoint disabled: {reason}";
        await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE deliveries SET status = 'Failed', completed_at = {now}, claimed_until = NULL,
                last_error = COALESCE(last_error, {abandonedError})
            WHERE endpoint_id = {endpointId} AND status = 'Pending'
            """, ct);

        var endpoint = await db.Endpoints.AsNoTracking().SingleAsync(e => e.Id == endpointId, ct);
        var partner = await db.Partners.AsNoTracking().SingleAsync(p => p.Id == endpoint.PartnerId, ct);
        db.AddIntegrationEvent(
            new PartnerEndpointDisabled(Guid.CreateVersion7(now), now, partner.Id, partner.Code, endpoint.Id, endpoint.Url, reason),
            aggregateId: endpoint.Id.ToString());
    }

    private static Activity? StartActivity(Domain.Delivery delivery, WebhookEndpoint endpoint)
    {
        ActivityContext.TryParse(delivery.TraceParent, null, out var parent);
        var activity = ActivitySource.StartActivity("webhook deliver", ActivityKind.Internal, parent);
        activity?.SetTag("scop.delivery.id", delivery.Id);
        activity?.SetTag("scop.endpoint.id", endpoint.Id);
        activity?.SetTag("scop.webhook.id", delivery.WebhookId);
        activity?.SetTag("cloudevents.event_type", delivery.EventType);
        return activity;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Delivery {DeliveryId} to endpoint {EndpointId}, attempt {Attempt}, failed: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, Guid deliveryId, Guid endpointId, int attempt, string? error);
}
