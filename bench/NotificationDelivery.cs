using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailKit.Net.Smtp;
using MimeKit;
using Npgsql;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Bench;

/// <summary>
/// <c>notification-delivery</c>: e-mails from events, as people get them. Set-up, through the gateway as the development
/// confederation admin: cooperatives (two per event per second), each with a manager hired with an address of this run
/// and a membership. Then dues are paid open-loop at R/s (100), first for an unmeasured warm-up, then for T s (30),
/// spread over the cooperatives: each payment renews a membership and commits a <c>MembershipRenewed</c> event, which
/// reaches the notifications service through the outbox and RabbitMQ and becomes one e-mail to the cooperative's
/// manager, handed to the platform's SMTP server. Latency: the event's time (membership's, just before its commit) to
/// the moment the SMTP server accepted the e-mail (the notification's <c>sent_at</c>, read from the notifications
/// database). Correctness: each event's e-mail is counted in the mail server's mailbox (missing, duplicates).
/// Floors in the same run: the gateway ping with one client, and the mail server alone: messages sent straight to it
/// by the bench over one connection.
/// </summary>
public sealed class NotificationDelivery(BenchOptions options, HttpClient http, Scenarios scenarios, CpuSampler cpu, TextWriter progress)
{
    public const double TargetP99Ms = 1_000;
    public const int SmtpFloorMessages = 300;
    public static readonly TimeSpan WarmupDuration = TimeSpan.FromSeconds(20);

    private const string Api = "/api/membership";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private sealed record Cooperative(Guid Id, Guid Manager, string Email);

    public async Task<ScenarioResult> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var duration = options.DurationOr(TimeSpan.FromSeconds(30));
        var run = Guid.NewGuid().ToString("N")[..10];
        var maildir = Path.Combine(DataRoot(), "mail", "maildir");

        var pingFloor = await scenarios.GatewayPingAsync("gateway ping, 1 client", 1, options.FloorDuration, TimeSpan.FromSeconds(1), ct);
        var smtpFloor = await SmtpFloorAsync(run, ct);
        progress.WriteLine($"[bench] mail server alone: {SmtpFloorMessages} messages over one connection, {smtpFloor.PerSecond:0.#}/s, {smtpFloor.LatencyMs}");

        var count = Math.Max(10, (int)Math.Ceiling(options.Rate * 2));
        progress.WriteLine($"[bench] notification-delivery: {count} cooperatives, each with a manager (run {run})...");
        var cooperatives = await SetUpAsync(count, run, ct);
        var managers = cooperatives.Select(c => c.Manager).ToArray();
        await WaitForManagersAsync(managers, TimeSpan.FromSeconds(120), ct);

        // Warm-up: the same flow at the same rate, unmeasured; its first payments activate the memberships.
        progress.WriteLine(string.Create(Invariant, $"[bench] warm-up: {options.Rate:0.#} payments/s for {WarmupDuration.TotalSeconds:0} s (not measured)..."));
        var warmup = await PayAtRateAsync("warm-up, open loop", cooperatives, WarmupDuration, ct);
        await WaitForEmailsAsync(managers, after: DateTimeOffset.MinValue, warmup.Ok, TimeSpan.FromSeconds(60), ct);

        progress.WriteLine(string.Create(Invariant, $"[bench] notification-delivery: {options.Rate:0.#} payments/s for {duration.TotalSeconds:0.#} s, each a MembershipRenewed e-mail..."));
        var before = cpu.Take();
        var sendStart = DateTimeOffset.UtcNow;
        var sending = await PayAtRateAsync("pay dues, open loop", cooperatives, duration, ct);
        progress.WriteLine($"[bench] {sending.Line()}");
        var drain = await WaitForEmailsAsync(managers, sendStart, sending.Ok, options.MissingAfter, ct);
        var usage = CpuSampler.Between(before, cpu.Take());

        var sent = await SentAsync(managers, sendStart, ct);
        var latencies = sent.Where(s => s.SentAt is not null).Select(s => (s.SentAt!.Value - s.OccurredAt).TotalMilliseconds).ToList();
        var latency = LatencySummary.From(latencies);
        var delivered = latencies.Count;
        var window = delivered == 0 ? 0 : (sent.Max(s => s.SentAt ?? s.OccurredAt) - sent.Min(s => s.OccurredAt)).TotalSeconds;
        var perSecond = window > 0 ? Math.Round(delivered / window, 1) : 0;
        var notSent = sent.Count(s => s.SentAt is null);
        var missingEvents = Math.Max(0, sending.Ok - sent.Count);
        var (mailbox, mailboxWait) = await WaitForMailboxAsync(maildir, sent.Select(s => s.EventId).ToHashSet(),
            cooperatives.Select(c => c.Email).ToHashSet(), options.MissingAfter, ct);
        progress.WriteLine($"[bench] notification-delivery: {delivered} e-mails accepted of {sending.Ok} payments, {perSecond}/s, latency {latency}; "
            + $"not sent {notSent}, events without a notification {missingEvents}, in the mailbox {mailbox.Found} (missing {mailbox.Missing}, duplicates {mailbox.Duplicates})");

        var targets = new List<TargetCheck>
        {
            new(string.Create(Invariant, $"notification p99 < {TargetP99Ms:0} ms at {options.Rate:0.#} events/s (event time to SMTP acceptance)"),
                string.Create(Invariant, $"p99 {latency.P99:0.#} ms over {delivered} e-mails; {perSecond:0.#} e-mails/s (offered {options.Rate:0.#}/s, {sending.OkThroughput:0.#}/s events)"),
                delivered > 0 && latency.P99 < TargetP99Ms && notSent == 0 && missingEvents == 0 && sending.Errors.Total == 0),
            new("every event's e-mail in the mailbox once: missing = 0, duplicates = 0",
                $"missing {mailbox.Missing}, duplicates {mailbox.Duplicates}", mailbox.Missing == 0 && mailbox.Duplicates == 0 && mailbox.Found > 0),
        };

        var summary = string.Create(Invariant,
            $"notification-delivery: {options.Rate:0.#} dues payments/s open-loop for {sending.Seconds:0.#} s: {sending.Requests} sent, {sending.Ok} renewals, "
            + $"{sending.Errors.Total} errors; {delivered} e-mails accepted by the SMTP server, {perSecond:0.#}/s; event time to SMTP acceptance {latency}; "
            + $"not sent {notSent}, in the mailbox {mailbox.Found} (missing {mailbox.Missing}, duplicates {mailbox.Duplicates}, after {drain:0.#} s of waiting for the acceptances and {mailboxWait:0.#} s for the mailbox). "
            + $"Floors in the same run: gateway ping with 1 client {pingFloor.LatencyMs}; the mail server alone, one connection, "
            + $"{smtpFloor.PerSecond:0.#} messages/s, {smtpFloor.LatencyMs}.");
        return new ScenarioResult
        {
            Scenario = "notification-delivery",
            Machine = machine,
            Started = started,
            Ended = DateTimeOffset.UtcNow,
            Parameters = new Dictionary<string, object?>
            {
                ["gateway"] = options.Gateway.ToString(), ["ratePerSecond"] = options.Rate, ["durationSeconds"] = duration.TotalSeconds,
                ["missingAfterSeconds"] = options.MissingAfter.TotalSeconds, ["cooperatives"] = count, ["run"] = run,
                ["event"] = "MembershipRenewed", ["warmupSeconds"] = WarmupDuration.TotalSeconds, ["maildir"] = maildir, ["smtp"] = options.Smtp,
            },
            Requests = sending.Requests,
            Errors = sending.Errors,
            Throughput = sending.Throughput,
            LatencyMs = latency,
            Counters = new()
            {
                ["renewals"] = sending.Ok,
                ["notifications"] = sent.Count,
                ["sent"] = delivered,
                ["notSent"] = notSent,
                ["eventsWithoutNotification"] = missingEvents,
                ["emailsPerSecond"] = perSecond,
                ["inMailbox"] = mailbox.Found,
                ["missingInMailbox"] = mailbox.Missing,
                ["duplicatesInMailbox"] = mailbox.Duplicates,
            },
            Floors = new() { ["gatewayPingOneClient"] = pingFloor, ["smtpServerAlone"] = smtpFloor },
            Details = new() { ["warmup"] = warmup, ["payments"] = sending, ["drainSeconds"] = drain, ["mailboxWaitSeconds"] = mailboxWait },
            Targets = targets,
            Cpu = usage,
            Summary = summary,
        };
    }

    /// <summary>The mail server alone: messages sent straight to it over one connection, one after the other.</summary>
    public sealed record SmtpFloor(int Messages, double PerSecond, LatencySummary LatencyMs);

    private async Task<SmtpFloor> SmtpFloorAsync(string run, CancellationToken ct)
    {
        var server = new Uri(options.Smtp);
        using var client = new SmtpClient { Timeout = 30_000 };
        await client.ConnectAsync(server.Host, server.Port, MailKit.Security.SecureSocketOptions.None, ct);
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < SmtpFloorMessages; i++)
        {
            var message = new MimeMessage { Subject = $"Bench floor {run} {i}", Body = new TextPart("plain") { Text = "Floor of the notification bench." } };
            message.From.Add(MailboxAddress.Parse("bench@les-scop.test"));
            message.To.Add(MailboxAddress.Parse($"floor-{run}@bench.test"));
            var start = Stopwatch.GetTimestamp();
            await client.SendAsync(message, ct);
            latencies.Add(HttpLoad.Milliseconds(start, Stopwatch.GetTimestamp()));
        }

        var seconds = clock.Elapsed.TotalSeconds;
        await client.DisconnectAsync(true, ct);
        return new SmtpFloor(SmtpFloorMessages, Math.Round(SmtpFloorMessages / seconds, 1), LatencySummary.From(latencies));
    }

    /// <summary>Cooperatives of Lyon, each with a manager of this run's addresses and a membership applied for.</summary>
    private async Task<List<Cooperative>> SetUpAsync(int count, string run, CancellationToken ct)
    {
        var factory = new CooperativeFactory("notify");
        var made = new ConcurrentBag<Cooperative>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, token) =>
            {
                var (outcome, created) = await Requests.RegisterAsync(http, factory.Next(), token);
                if (created is null)
                {
                    throw new BenchSetupException($"registering a cooperative: {outcome.Key}");
                }

                var email = $"gerance-{run}-{i}@bench.test";
                using var hired = await SendAsync(HttpMethod.Post, $"{Api}/cooperatives/{created.Id}/people", new
                {
                    givenName = "Dominique", familyName = $"Gérante {i}", email, role = "manager",
                    hiredOn = ParisCalendar.Today(TimeProvider.System).AddYears(-2).ToString("yyyy-MM-dd", Invariant),
                }, HttpStatusCode.Created, token);
                var manager = hired.RootElement.GetProperty("id").GetGuid();
                (await SendAsync(HttpMethod.Post, $"{Api}/cooperatives/{created.Id}/membership",
                    new { termKind = "rolling", duesCents = 50_000 }, HttpStatusCode.Created, token)).Dispose();
                made.Add(new Cooperative(created.Id, manager, email));
            });
        return [.. made];
    }

    /// <summary>Dues paid open-loop at <c>--rate</c>, round the cooperatives: each payment renews (or first activates) one.</summary>
    private async Task<PhaseResult> PayAtRateAsync(string name, List<Cooperative> cooperatives, TimeSpan duration, CancellationToken ct)
    {
        var next = -1L;
        var today = ParisCalendar.Today(TimeProvider.System).ToString("yyyy-MM-dd", Invariant);
        var phase = await HttpLoad.OpenLoopAsync(name, options.Rate, TimeSpan.Zero, duration, async token =>
        {
            var cooperative = cooperatives[(int)(Interlocked.Increment(ref next) % cooperatives.Count)];
            using var response = await http.PostAsJsonAsync($"{Api}/cooperatives/{cooperative.Id}/membership/payments",
                new { amountCents = 50_000, paidOn = today }, token);
            return response.StatusCode == HttpStatusCode.OK ? Outcome.Ok("paid") : Outcome.Status(response.StatusCode);
        }, ct);
        return phase;
    }

    private sealed record SentNotification(Guid EventId, DateTimeOffset OccurredAt, DateTimeOffset? SentAt);

    /// <summary>The renewal notifications of the managers since <paramref name="after"/>, read from the notifications database.</summary>
    private async Task<List<SentNotification>> SentAsync(Guid[] managers, DateTimeOffset after, CancellationToken ct)
    {
        await using var connection = await OpenAsync("notifications", ct);
        await using var command = new NpgsqlCommand("""
            SELECT source_event_id, occurred_at, sent_at FROM notifications
            WHERE recipient_id = ANY(@managers) AND kind = 'membership-renewed' AND occurred_at >= @after
            """, connection);
        command.Parameters.AddWithValue("managers", managers);
        command.Parameters.AddWithValue("after", after);
        var rows = new List<SentNotification>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new SentNotification(reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return rows;
    }

    /// <summary>Waits until <paramref name="expected"/> e-mails since <paramref name="after"/> are sent, or <paramref name="limit"/>; the seconds waited.</summary>
    /// <summary>
    /// Until the notifications service knows every manager: a cooperative's dues are told to the managers it knows when
    /// the event arrives, and the hire comes on another queue; a payment made before it would tell nobody.
    /// </summary>
    private async Task WaitForManagersAsync(Guid[] managers, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await OpenAsync("notifications", ct);
        long known = 0;
        while (clock.Elapsed < limit)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM recipients WHERE person_id = ANY(@managers) AND is_manager", connection);
            command.Parameters.AddWithValue("managers", managers);
            known = (long)(await command.ExecuteScalarAsync(ct))!;
            if (known == managers.Length)
            {
                progress.WriteLine($"[bench] the notifications service knows the {known} managers after {clock.Elapsed.TotalSeconds:0.#} s");
                return;
            }

            await Task.Delay(200, ct);
        }

        throw new BenchSetupException($"the notifications service knows {known} of the {managers.Length} managers after {limit.TotalSeconds:0} s");
    }

    private async Task<double> WaitForEmailsAsync(Guid[] managers, DateTimeOffset after, long expected, TimeSpan limit, CancellationToken ct)
    {
        var drain = Stopwatch.StartNew();
        await using var connection = await OpenAsync("notifications", ct);
        while (drain.Elapsed < limit && !ct.IsCancellationRequested)
        {
            await using var command = new NpgsqlCommand("""
                SELECT count(*) FROM notifications
                WHERE recipient_id = ANY(@managers) AND kind IN ('membership-renewed', 'membership-activated')
                  AND occurred_at >= @after AND email_status = 'Sent'
                """, connection);
            command.Parameters.AddWithValue("managers", managers);
            command.Parameters.AddWithValue("after", after);
            if ((long)(await command.ExecuteScalarAsync(ct))! >= expected)
            {
                break;
            }

            await Task.Delay(100, ct);
        }

        return Math.Round(drain.Elapsed.TotalSeconds, 2);
    }

    /// <summary>
    /// The mailbox once every e-mail is in it, or once it stops filling (30 s without a new one) or the time is up: the
    /// mail server queues what it accepts and its queue runner, started every second, delivers it.
    /// </summary>
    private async Task<((long Found, long Missing, long Duplicates) Mailbox, double WaitedSeconds)> WaitForMailboxAsync(
        string maildir, HashSet<Guid> events, HashSet<string> addresses, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var lastGrowth = clock.Elapsed;
        var count = new MailboxCount(maildir, events, addresses);
        var mailbox = count.Update();
        while (mailbox.Missing > 0 && clock.Elapsed < limit && clock.Elapsed - lastGrowth < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(1000, ct);
            var now = count.Update();
            if (now.Found > mailbox.Found)
            {
                lastGrowth = clock.Elapsed;
                progress.WriteLine(string.Create(Invariant, $"[bench] in the mailbox: {now.Found} of {events.Count}"));
            }

            mailbox = now;
        }

        return (mailbox, Math.Round(clock.Elapsed.TotalSeconds, 1));
    }

    /// <summary>
    /// How many of the events have their e-mail in the mailbox, and how many more than once (by the X-Scop-Event
    /// header). Each pass reads only the files that arrived since the last: a Maildir file never changes once there.
    /// </summary>
    private sealed class MailboxCount(string maildir, HashSet<Guid> events, HashSet<string> addresses)
    {
        private readonly HashSet<string> read = new(StringComparer.Ordinal);
        private readonly Dictionary<Guid, int> seen = [];

        public (long Found, long Missing, long Duplicates) Update()
        {
            foreach (var file in new[] { "new", "cur" }.Select(f => Path.Combine(maildir, f)).Where(Directory.Exists).SelectMany(Directory.EnumerateFiles))
            {
                // Its unique name, without the flags a mail reader may add when it moves the file to cur/.
                if (!read.Add(Path.GetFileName(file).Split(':')[0]))
                {
                    continue;
                }

                using var stream = File.OpenRead(file);
                var headers = HeaderList.Load(stream);
                if (Guid.TryParse(headers["X-Scop-Event"], out var eventId) && events.Contains(eventId)
                    && addresses.Contains(headers[HeaderId.To]?.Trim() ?? ""))
                {
                    seen[eventId] = seen.GetValueOrDefault(eventId) + 1;
                }
            }

            return (seen.Count, events.Count(e => !seen.ContainsKey(e)), seen.Values.Sum(n => n - 1));
        }
    }

    private async Task<JsonDocument> SendAsync(HttpMethod method, string path, object body, HttpStatusCode expected, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != expected)
        {
            throw new BenchSetupException($"{method} {path} answered {(int)response.StatusCode}, expected {(int)expected}: {text}");
        }

        return JsonDocument.Parse(text);
    }

    private string DataRoot()
    {
        var credentials = AccessTokens.CredentialsPath(options.DataRoot); // {dataRoot}/identity/dev-credentials.json
        return Path.GetDirectoryName(Path.GetDirectoryName(credentials))!;
    }

    private async Task<NpgsqlConnection> OpenAsync(string database, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.Pg) { Database = database, Pooling = false, Timeout = 10 };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}
