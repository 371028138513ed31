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

    /// <summary>The inbox rows of <paramref name="databases"/>, those of one consumer class only when it is named.</summary>
    internal static async Task<long> InboxRowsAsync(string pg, IReadOnlyList<string> databases, CancellationToken ct,
        string? consumerClass = null)
    {
        long total = 0;
        foreach (var database in databases)
        {
            total += await CountAsync(pg, database, consumerClass is null
                ? "SELECT count(*) FROM inbox_messages"
                : $"SELECT count(*) FROM inbox_messages WHERE consumer LIKE '%.{consumerClass}'", ct);
        }

        return total;
    }

    internal static async Task<long> CountAsync(string pg, string database, string sql, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(pg) { Database = database, Pooling = true, Timeout = 10 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
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

    public sealed record Caught(long Expected, long Applied, double SecondsAfterLastRegistration);

    /// <summary>The inbox rows of the five consumers now.</summary>
    public Task<long> AppliedAsync(CancellationToken ct) =>
        OutboxBacklog.InboxRowsAsync(pg, Databases, ct, consumerClass: "CooperativeJoinedConsumer");

    /// <summary>The cooperatives in the register now.</summary>
    public Task<long> RegisteredAsync(CancellationToken ct) =>
        OutboxBacklog.CountAsync(pg, "membership", "SELECT count(*) FROM cooperatives", ct);

    /// <summary>
    /// Waits until every cooperative registered since <paramref name="before"/> reached the five consumers, polling
    /// every 50 ms; the time is counted from <paramref name="lastRegistration"/> (a <see cref="Stopwatch"/> timestamp).
    /// </summary>
    public async Task<Caught> WaitUntilCaughtUpAsync((long Registered, long Applied) before, long lastRegistration, TimeSpan limit,
        CancellationToken ct)
    {
        var expected = (await RegisteredAsync(ct) - before.Registered) * Databases.Length;
        var applied = await AppliedAsync(ct) - before.Applied;
        var started = Stopwatch.GetTimestamp();
        while (applied < expected && Stopwatch.GetElapsedTime(started) < limit)
        {
            await Task.Delay(50, ct);
            applied = await AppliedAsync(ct) - before.Applied;
        }

        return new Caught(expected, applied, Math.Round(Stopwatch.GetElapsedTime(lastRegistration).TotalSeconds, 2));
    }
}
