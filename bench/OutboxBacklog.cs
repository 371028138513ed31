using System.Diagnostics;
using Npgsql;

namespace Scop.Aspire.Bench;

/// <summary>
/// What a service's outbox still holds. A latency scenario starts once the events an earlier, saturating phase left
/// queued are published: otherwise it would measure that queue, not its own rate. The wait is reported, so a relay
/// that drains slowly still shows.
/// </summary>
public static class OutboxBacklog
{
    public sealed record Drain(long PendingAtStart, double Seconds, long PendingAtEnd);

    public static async Task<Drain> WaitUntilDrainedAsync(string pg, string database, TimeSpan limit, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(pg) { Database = database, Pooling = false, Timeout = 10 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        var started = Stopwatch.GetTimestamp();
        var atStart = await PendingAsync(connection, ct);
        var pending = atStart;
        while (pending > 0 && Stopwatch.GetElapsedTime(started) < limit)
        {
            await Task.Delay(250, ct);
            pending = await PendingAsync(connection, ct);
        }

        return new Drain(atStart, Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 2), pending);
    }

    public sealed record Quiet(long ConsumedWhileWaiting, double Seconds);

    /// <summary>
    /// Waits until the consumers have worked off what earlier phases published: each consumed message leaves one inbox
    /// row, so once no inbox of <paramref name="databases"/> has grown for a second, their queues are empty.
    /// </summary>
    public static async Task<Quiet> WaitUntilConsumersIdleAsync(string pg, IReadOnlyList<string> databases, TimeSpan limit,
        CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var first = await InboxRowsAsync(pg, databases, ct);
        var last = first;
        var unchangedSince = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(unchangedSince) < TimeSpan.FromSeconds(1) && Stopwatch.GetElapsedTime(started) < limit)
        {
            await Task.Delay(250, ct);
            var now = await InboxRowsAsync(pg, databases, ct);
            if (now != last)
            {
                last = now;
                unchangedSince = Stopwatch.GetTimestamp();
            }
        }

        return new Quiet(last - first, Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 2));
    }

    /// <summary>The inbox rows of <paramref name="databases"/>.</summary>
    internal static async Task<long> InboxRowsAsync(string pg, IReadOnlyList<string> databases, CancellationToken ct)
    {
        long total = 0;
        foreach (var database in databases)
        {
            total += await CountAsync(pg, database, "SELECT count(*) FROM inbox_messages", ct);
        }

        return total;
    }

    internal static async Task<long> CountAsync(string pg, string database, string sql, CancellationToken ct) =>
        (long)(await ScalarAsync(pg, database, sql, ct))!;

    /// <summary>The first value of <paramref name="sql"/>'s answer on <paramref name="database"/>, null when it has no row.</summary>
    internal static async Task<object?> ScalarAsync(string pg, string database, string sql, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(pg) { Database = database, Pooling = true, Timeout = 10 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(ct);
    }

    private static async Task<long> PendingAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND (not_before IS NULL OR not_before <= now())", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}

/// <summary>
/// How far the five services that consume <c>CooperativeJoined</c> (the portal's feed, the partner hooks' webhooks,
/// training, the takeover watch, the Ambassades) are behind the registrations: each applied event leaves one inbox row
/// of their <c>CooperativeJoinedConsumer</c>.
/// </summary>
public sealed class JoinedFanOut(string pg)
{
    public static readonly string[] Databases = ["portal", "partnerhooks", "training", "reprisewatch", "ambassadors"];

    private const string ConsumerClass = "CooperativeJoinedConsumer";

    /// <summary>Each database's full consumer name, once known: counting by it and an id range reads the primary key only.</summary>
    private readonly Dictionary<string, string> consumers = new(StringComparer.Ordinal);

    public sealed record Caught(long Expected, long Applied, double SecondsAfterLastRegistration);

    /// <summary>
    /// The lowest version-7 id of anything made from <paramref name="at"/> on: the cooperatives and their events are
    /// numbered by their creation time, so "made during this run" is an id range, which the primary keys answer without
    /// reading the rows of earlier runs. (Counting whole tables took longer with every run on one system, and that time
    /// was counted as the fan-out's.)
    /// </summary>
    public static Guid FirstIdFrom(DateTimeOffset at)
    {
        var milliseconds = at.ToUnixTimeMilliseconds();
        return Guid.Parse(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{milliseconds >> 16:x8}-{milliseconds & 0xffff:x4}-7000-8000-000000000000"));
    }

    /// <summary>Looks up the consumers' names where they have applied anything yet, so that the wait needs no lookup.</summary>
    public Task PrepareAsync(CancellationToken ct) => Task.WhenAll(Databases.Select(database => ConsumerOfAsync(database, ct)));

    /// <summary>
    /// Waits until every cooperative registered from <paramref name="since"/> on reached the five consumers, polling
    /// every 50 ms (the six counts at once); the time is counted from <paramref name="lastRegistration"/> (a
    /// <see cref="Stopwatch"/> timestamp).
    /// </summary>
    public async Task<Caught> WaitUntilCaughtUpAsync(Guid since, long lastRegistration, TimeSpan limit, CancellationToken ct)
    {
        var registered = OutboxBacklog.CountAsync(pg, "membership", $"SELECT count(*) FROM cooperatives WHERE id >= '{since}'", ct);
        var applied = AppliedSinceAsync(since, ct);
        var expected = await registered * Databases.Length;
        var count = await applied;
        var started = Stopwatch.GetTimestamp();
        while (count < expected && Stopwatch.GetElapsedTime(started) < limit)
        {
            await Task.Delay(50, ct);
            count = await AppliedSinceAsync(since, ct);
        }

        return new Caught(expected, count, Math.Round(Stopwatch.GetElapsedTime(lastRegistration).TotalSeconds, 2));
    }

    private async Task<long> AppliedSinceAsync(Guid since, CancellationToken ct)
    {
        var counts = await Task.WhenAll(Databases.Select(async database => await ConsumerOfAsync(database, ct) is { } consumer
            ? await OutboxBacklog.CountAsync(pg, database,
                $"SELECT count(*) FROM inbox_messages WHERE consumer = '{consumer}' AND message_id >= '{since}'", ct)
            : 0L));
        return counts.Sum();
    }

    private async Task<string?> ConsumerOfAsync(string database, CancellationToken ct)
    {
        lock (consumers)
        {
            if (consumers.TryGetValue(database, out var known))
            {
                return known;
            }
        }

        if (await OutboxBacklog.ScalarAsync(pg, database,
                $"SELECT consumer FROM inbox_messages WHERE consumer LIKE '%.{ConsumerClass}' LIMIT 1", ct) is not string consumer)
        {
            return null;
        }

        lock (consumers)
        {
            consumers[database] = consumer;
        }

        return consumer;
    }
}
