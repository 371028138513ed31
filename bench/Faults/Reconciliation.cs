using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Scop.Aspire.Bench.Platform;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Bench.Faults;

/// <summary>
/// What the run left, counted in the platform's own databases and at the bank's receiver after everything has drained:
/// every write answered 2xx is there; every event's effect happened once (a feed entry per cooperative, a webhook per
/// cooperative and per enrolment at the bank after its deduplication on <c>webhook-id</c>, a person known to training
/// per hire, a welcome-day invitation at most once); no session holds more seats than it has, and every seat counter
/// equals its bookings; no message waits in an <c>_error</c> queue.
/// </summary>
public sealed record Reconciliation
{
    /// <summary>Writes answered 2xx whose record is not in its service's database.</summary>
    public required Dictionary<string, long> Lost { get; init; }

    /// <summary>Records or effects found more than once for one write or one event.</summary>
    public required Dictionary<string, long> Doubled { get; init; }

    /// <summary>Events whose effect did not happen (no feed entry, no webhook, not known to training).</summary>
    public required Dictionary<string, long> EffectsMissing { get; init; }

    public required long Oversold { get; init; }

    public required long SeatCountersOff { get; init; }

    /// <summary>Messages in the services' <c>_error</c> queues, by queue, and what each says about its failure.</summary>
    public required Dictionary<string, long> ErrorQueues { get; init; }

    public required List<string> ErrorQueueMessages { get; init; }

    /// <summary>Outbox rows due and not yet published, deliveries still pending, after the drain.</summary>
    public required Dictionary<string, long> LeftUndone { get; init; }

    /// <summary>What the run wrote, as the databases hold it, and what the bank received.</summary>
    public required Dictionary<string, long> Counts { get; init; }

    public long LostTotal => Lost.Values.Sum();

    public long DoubledTotal => Doubled.Values.Sum();

    public long MissingTotal => EffectsMissing.Values.Sum();

    public long ErrorQueueTotal => ErrorQueues.Values.Sum();

    public bool Clean => LostTotal == 0 && DoubledTotal == 0 && MissingTotal == 0 && Oversold == 0 && SeatCountersOff == 0
        && ErrorQueueTotal == 0 && LeftUndone.Values.Sum() == 0;

    public string Line() =>
        $"lost {LostTotal}, doubled {DoubledTotal}, effects missing {MissingTotal}, oversold {Oversold}, seat counters off {SeatCountersOff}, "
        + $"error-queue messages {ErrorQueueTotal}, left undone {LeftUndone.Values.Sum()}";

    public static async Task<Reconciliation> CountAsync(HostedPlatform platform, RunData data, IReadOnlyCollection<Write> writes,
        WebhookReceiver bank, Guid endpointId, CancellationToken ct)
    {
        var lost = new Dictionary<string, long>();
        var doubled = new Dictionary<string, long>();
        var missing = new Dictionary<string, long>();
        var counts = new Dictionary<string, long>();
        var undone = new Dictionary<string, long>();
        var succeeded = writes.Where(w => w.Succeeded).ToList();
        Guid[] Ids(WriteKind kind) => succeeded.Where(w => w.Kind == kind && w.CreatedId is not null).Select(w => w.CreatedId!.Value).ToArray();
        foreach (var kind in Enum.GetValues<WriteKind>())
        {
            var ofKind = writes.Where(w => w.Kind == kind).ToList();
            counts[$"{Camel(kind)}Writes"] = ofKind.Count;
            counts[$"{Camel(kind)}Answered2xx"] = ofKind.Count(w => w.Succeeded);
            counts[$"{Camel(kind)}Refused"] = ofKind.Count(w => w.Refused);
            counts[$"{Camel(kind)}Unanswered"] = ofKind.Count(w => w.Unanswered);
            counts[$"{Camel(kind)}Replayed"] = ofKind.Count(w => w.Replayed);
        }

        var pattern = $"Faults {data.Tag} %";
        await using (var membership = await OpenAsync(platform, ResourceNames.MembershipDatabase, ct))
        {
            var registered = Ids(WriteKind.Registration);
            lost["registrations"] = registered.Length - await ScalarAsync(membership,
                "SELECT count(*) FROM cooperatives WHERE id = ANY(@ids)", ct, ("ids", registered));
            counts["cooperativesInRegister"] = await ScalarAsync(membership, "SELECT count(*) FROM cooperatives WHERE name LIKE @p", ct, ("p", pattern));
            doubled["cooperativesPerRegistration"] = await ScalarAsync(membership,
                "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM cooperatives WHERE name LIKE @p GROUP BY name) g", ct, ("p", pattern));

            var hired = Ids(WriteKind.Hire);
            lost["hires"] = hired.Length - await ScalarAsync(membership, "SELECT count(*) FROM people WHERE id = ANY(@ids)", ct, ("ids", hired));
            counts["peopleHiredInRegister"] = await ScalarAsync(membership, "SELECT count(*) FROM people WHERE family_name LIKE @p", ct, ("p", pattern));
            doubled["peoplePerHire"] = await ScalarAsync(membership,
                "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM people WHERE family_name LIKE @p GROUP BY family_name) g", ct, ("p", pattern));

            var enrolled = Ids(WriteKind.Enrolment);
            lost["enrolments"] = enrolled.Length - await ScalarAsync(membership,
                "SELECT count(*) FROM benefit_enrolments WHERE id = ANY(@ids)", ct, ("ids", enrolled));
            counts["enrolmentsInRegister"] = await ScalarAsync(membership,
                "SELECT count(*) FROM benefit_enrolments e JOIN people p ON p.id = e.person_id WHERE p.family_name LIKE @p", ct, ("p", pattern));
            undone["membershipOutbox"] = await PendingOutboxAsync(membership, ct);
        }

        // Everything the register holds of this run, answered or not: each is an event whose effects must be there once.
        Guid[] cooperatives, people, enrolments;
        await using (var membership = await OpenAsync(platform, ResourceNames.MembershipDatabase, ct))
        {
            cooperatives = await IdsAsync(membership, "SELECT id FROM cooperatives WHERE name LIKE @p", pattern, ct);
            people = await IdsAsync(membership, "SELECT id FROM people WHERE family_name LIKE @p", pattern, ct);
            enrolments = await IdsAsync(membership,
                "SELECT e.id FROM benefit_enrolments e JOIN people p ON p.id = e.person_id WHERE p.family_name LIKE @p", pattern, ct);
        }

        await using (var portal = await OpenAsync(platform, ResourceNames.PortalDatabase, ct))
        {
            counts["feedEntries"] = await ScalarAsync(portal, "SELECT count(*) FROM feed_items WHERE subject_id = ANY(@ids)", ct, ("ids", cooperatives));
            missing["feedEntries"] = cooperatives.Length - await ScalarAsync(portal,
                "SELECT count(DISTINCT subject_id) FROM feed_items WHERE subject_id = ANY(@ids)", ct, ("ids", cooperatives));
            doubled["feedEntries"] = counts["feedEntries"] - (cooperatives.Length - missing["feedEntries"]);
            undone["portalOutbox"] = await PendingOutboxAsync(portal, ct);
        }

        await using (var training = await OpenAsync(platform, ResourceNames.TrainingDatabase, ct))
        {
            var booked = Ids(WriteKind.Booking);
            lost["bookings"] = booked.Length - await ScalarAsync(training, "SELECT count(*) FROM bookings WHERE id = ANY(@ids)", ct, ("ids", booked));
            counts["bookingsInTraining"] = await ScalarAsync(training, "SELECT count(*) FROM bookings WHERE session_id = ANY(@ids)", ct, ("ids", data.Sessions.ToArray()));
            // A person may be booked on a session several times over the run (once their last booking was answered): a
            // booking is doubled when a person holds more bookings of a session than writes could have made.
            var bookingRows = new Dictionary<(Guid Session, Guid Person), long>();
            await using (var pairs = new NpgsqlCommand(
                """
                SELECT b.session_id, a.person_id, count(*) FROM attendees a JOIN bookings b ON b.id = a.booking_id
                WHERE b.session_id = ANY(@ids) GROUP BY b.session_id, a.person_id
                """, training))
            {
                pairs.Parameters.AddWithValue("ids", data.Sessions.ToArray());
                await using var rows = await pairs.ExecuteReaderAsync(ct);
                while (await rows.ReadAsync(ct))
                {
                    bookingRows[(rows.GetGuid(0), rows.GetGuid(1))] = rows.GetInt64(2);
                }
            }

            var bookingWrites = writes.Where(w => w is { Kind: WriteKind.Booking, Refused: false })
                .GroupBy(w => (w.Session!.Value, w.Subject!.Value)).ToDictionary(g => g.Key, g => (long)g.Count());
            doubled["bookingsPerPersonAndSession"] = bookingRows.Sum(r => Math.Max(0, r.Value - bookingWrites.GetValueOrDefault(r.Key)));

            var confirmed = succeeded.Where(w => w.Kind == WriteKind.Confirmation).Select(w => w.Subject!.Value).ToArray();
            lost["confirmations"] = confirmed.Length - await ScalarAsync(training,
                "SELECT count(*) FROM bookings WHERE id = ANY(@ids) AND status = 'Confirmed'", ct, ("ids", confirmed));
            counts["bookingsConfirmed"] = await ScalarAsync(training,
                "SELECT count(*) FROM bookings WHERE session_id = ANY(@ids) AND status = 'Confirmed'", ct, ("ids", data.Sessions.ToArray()));
            counts["holdsExpired"] = await ScalarAsync(training,
                "SELECT count(*) FROM bookings WHERE session_id = ANY(@ids) AND status = 'Expired'", ct, ("ids", data.Sessions.ToArray()));
            counts["peopleKnownToTraining"] = await ScalarAsync(training, "SELECT count(*) FROM people WHERE id = ANY(@ids)", ct, ("ids", people));
            missing["peopleKnownToTraining"] = people.Length - counts["peopleKnownToTraining"];
            counts["welcomeDayInvitations"] = await ScalarAsync(training, "SELECT count(*) FROM invitations WHERE person_id = ANY(@ids)", ct, ("ids", people));
            doubled["welcomeDayInvitations"] = await ScalarAsync(training,
                "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM invitations WHERE person_id = ANY(@ids) GROUP BY person_id) g",
                ct, ("ids", people));
            await using var seats = new NpgsqlCommand(
                """
                WITH active AS (
                    SELECT s.capacity, s.seats_taken,
                           coalesce((SELECT sum(b.quantity) FROM bookings b
                                     WHERE b.session_id = s.id AND b.status IN ('Held', 'Confirmed')), 0) AS seats
                    FROM sessions s)
                SELECT coalesce(sum(greatest(seats - capacity, 0)), 0)::bigint, count(*) FILTER (WHERE seats <> seats_taken)
                FROM active
                """, training);
            await using var reader = await seats.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var oversold = reader.GetInt64(0);
            var countersOff = reader.GetInt64(1);
            await reader.CloseAsync();
            undone["trainingOutbox"] = await PendingOutboxAsync(training, ct);

            await using (var hooks = await OpenAsync(platform, ResourceNames.PartnerHooksDatabase, ct))
            {
                undone["pendingDeliveries"] = await ScalarAsync(hooks,
                    "SELECT count(*) FROM deliveries WHERE endpoint_id = @e AND status <> 'Succeeded'", ct, ("e", endpointId));
                counts["deliveries"] = await ScalarAsync(hooks, "SELECT count(*) FROM deliveries WHERE endpoint_id = @e", ct, ("e", endpointId));
                counts["deliveryAttempts"] = await ScalarAsync(hooks,
                    "SELECT count(*) FROM delivery_attempts WHERE endpoint_id = @e", ct, ("e", endpointId));
                undone["partnerHooksOutbox"] = await PendingOutboxAsync(hooks, ct);
            }

            // The bank: one webhook-id per event of the run, each arrived at least once (repeats are deduplicated).
            var received = bank.ReceivedByEvent();
            counts["webhookReceipts"] = bank.Receipts;
            counts["webhookRepeatsDeduplicated"] = bank.Repeats;
            counts["webhooksForCooperatives"] = cooperatives.Count(received.ContainsCooperative);
            counts["webhooksForEnrolments"] = enrolments.Count(received.ContainsEnrolment);
            missing["webhooksForCooperatives"] = cooperatives.Length - counts["webhooksForCooperatives"];
            missing["webhooksForEnrolments"] = enrolments.Length - counts["webhooksForEnrolments"];
            doubled["webhookIdsPerEvent"] = received.SubjectsUnderSeveralWebhookIds;

            var (queues, messages) = await ErrorQueuesAsync(platform, ct);
            return new Reconciliation
            {
                Lost = lost,
                Doubled = doubled,
                EffectsMissing = missing,
                Oversold = oversold,
                SeatCountersOff = countersOff,
                ErrorQueues = queues,
                ErrorQueueMessages = messages,
                LeftUndone = undone,
                Counts = counts,
            };
        }
    }

    /// <summary>
    /// The depth of every service's <c>_error</c> queues, as each replica's own health check reads them
    /// (<c>error-queues</c>: "Messages wait in error queues: name (n), …"), and the messages themselves.
    /// </summary>
    public static async Task<(Dictionary<string, long> Depths, List<string> Messages)> ErrorQueuesAsync(HostedPlatform platform,
        CancellationToken ct)
    {
        var depths = new Dictionary<string, long>(StringComparer.Ordinal);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var project in platform.Projects.Where(p => p != ResourceNames.Gateway))
        {
            foreach (var instance in platform.Instances(project).Where(i => i is { IsRunning: true, Address: not null }))
            {
                var report = await HealthReportAsync(http, new Uri(instance.Address!, "/health"), ct);
                if (report.TryGetProperty("checks", out var checks) && checks.TryGetProperty("error-queues", out var check)
                    && check.GetProperty("description").GetString() is { } description)
                {
                    foreach (Match match in Regex.Matches(description, @"(\S+_error) \((\d+)\)"))
                    {
                        depths[match.Groups[1].Value] = long.Parse(match.Groups[2].Value);
                    }
                }
            }
        }

        var messages = depths.Count == 0 ? [] : await ErrorQueuePeek.ReadAsync(await platform.ConnectionStringAsync(ResourceNames.RabbitMq, ct),
            depths.Keys, ct);
        return (depths, messages);
    }

    /// <summary>A process's health report, asked again while a busy machine leaves it unanswered.</summary>
    private static async Task<JsonElement> HealthReportAsync(HttpClient http, Uri health, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(health, ct);
                return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested && attempt < 3)
            {
            }
        }
    }

    private static async Task<long> PendingOutboxAsync(NpgsqlConnection connection, CancellationToken ct) =>
        await ScalarAsync(connection,
            "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND (not_before IS NULL OR not_before <= now())", ct);

    public static async Task<NpgsqlConnection> OpenAsync(HostedPlatform platform, string database, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(await platform.ConnectionStringAsync(database, ct)) { Pooling = false, Timeout = 15 };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    public static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }

    private static async Task<Guid[]> IdsAsync(NpgsqlConnection connection, string sql, string pattern, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("p", pattern);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetGuid(0));
        }

        return [.. ids];
    }

    private static string Camel(WriteKind kind) => char.ToLowerInvariant(kind.ToString()[0]) + kind.ToString()[1..];
}
