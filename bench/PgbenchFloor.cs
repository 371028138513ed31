using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Scop.Aspire.Bench;

/// <summary>
/// The database floor: pgbench's simple-update TPC-B-like load (<c>-N</c>) on its own database of the same server.
/// Registration throughput is quoted as a share of this TPS.
/// </summary>
public sealed record PgbenchResult
{
    public string? Skipped { get; init; }
    public string? Error { get; init; }
    public string? InitCommand { get; init; }
    public string? Command { get; init; }
    public double? Tps { get; init; }
    public double? LatencyAverageMs { get; init; }
    public long? Transactions { get; init; }
    public long? FailedTransactions { get; init; }
    public List<string>? Progress { get; init; }
    public CpuUsage? Cpu { get; init; }

    public string Line() => Tps is { } tps
        ? $"pgbench -N: {tps:0.#} tps (latency avg {LatencyAverageMs:0.##} ms)"
        : $"pgbench: {Skipped ?? Error}";
}

public static partial class PgbenchFloor
{
    public const string Database = "bench_pgbench";

    public static async Task<PgbenchResult> RunAsync(string connectionString, int seconds, CpuSampler? cpu, CancellationToken ct)
    {
        var pgbench = FindOnPath("pgbench");
        if (pgbench is null)
        {
            return new PgbenchResult { Skipped = "pgbench not installed" };
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var host = builder.Host ?? "127.0.0.1";
        var port = builder.Port;
        var user = builder.Username ?? "postgres";
        if (!host.Split(',').All(h => h is "127.0.0.1" or "localhost" or "::1" || h.StartsWith("127.", StringComparison.Ordinal)))
        {
            return new PgbenchResult { Error = $"--pg host {host} is not a loopback address; the bench only targets this machine" };
        }

        try
        {
            await EnsureDatabaseAsync(builder, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return new PgbenchResult { Error = $"could not create {Database}: {e.Message}" };
        }

        string[] connection = ["-h", host, "-p", port.ToString(CultureInfo.InvariantCulture), "-U", user];
        string[] init = [.. connection, "-i", "-s", "1", "-q", Database];
        string[] run = [.. connection, "-N", "-c", "8", "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture), "-P", "5", Database];
        var environment = builder.Password is { Length: > 0 } password ? new Dictionary<string, string> { ["PGPASSWORD"] = password } : [];

        var initResult = await RunProcessAsync(pgbench, init, environment, TimeSpan.FromSeconds(180), ct);
        if (initResult.ExitCode != 0)
        {
            return new PgbenchResult
            {
                InitCommand = CommandLine(pgbench, init),
                Error = $"pgbench -i exited with {initResult.ExitCode}: {Tail(initResult.Output)}",
            };
        }

        var before = cpu?.Take();
        var result = await RunProcessAsync(pgbench, run, environment, TimeSpan.FromSeconds(seconds + 120), ct);
        var usage = before is null ? null : CpuSampler.Between(before, cpu!.Take());
        var output = result.Output;
        var tps = TpsPattern().Match(output);
        if (result.ExitCode != 0 || !tps.Success)
        {
            return new PgbenchResult
            {
                InitCommand = CommandLine(pgbench, init),
                Command = CommandLine(pgbench, run),
                Error = $"pgbench exited with {result.ExitCode}: {Tail(output)}",
            };
        }

        var latency = LatencyPattern().Match(output);
        var processed = ProcessedPattern().Match(output);
        var failed = FailedPattern().Match(output);
        return new PgbenchResult
        {
            InitCommand = CommandLine(pgbench, init),
            Command = CommandLine(pgbench, run),
            Tps = Math.Round(double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture), 1),
            LatencyAverageMs = latency.Success ? double.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture) : null,
            Transactions = processed.Success ? long.Parse(processed.Groups[1].Value, CultureInfo.InvariantCulture) : null,
            FailedTransactions = failed.Success ? long.Parse(failed.Groups[1].Value, CultureInfo.InvariantCulture) : null,
            Progress = output.Split('\n').Where(l => l.StartsWith("progress:", StringComparison.Ordinal)).Select(l => l.Trim()).ToList(),
            Cpu = usage,
        };
    }

    private static async Task EnsureDatabaseAsync(NpgsqlConnectionStringBuilder builder, CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Database = "postgres", Pooling = false, Timeout = 10 };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", Database);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {Database}", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);

    private static string CommandLine(string program, IEnumerable<string> args) =>
        string.Join(' ', new[] { Path.GetFileName(program) }.Concat(args));

    private static string Tail(string text) => text.Length <= 600 ? text.Trim() : text[^600..].Trim();

    private static async Task<(int ExitCode, string Output)> RunProcessAsync(string program, IEnumerable<string> args,
        Dictionary<string, string> environment, TimeSpan timeout, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = new StringBuilder();
        var lockObject = new object();
        void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (lockObject)
            {
                output.AppendLine(line);
            }
        }

        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timer.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Append($"(stopped after {timeout.TotalSeconds:0} s)");
            return (-1, output.ToString());
        }

        process.WaitForExit(); // drains the output events
        lock (lockObject)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsPattern();

    [GeneratedRegex(@"latency average = ([0-9.]+) ms")]
    private static partial Regex LatencyPattern();

    [GeneratedRegex(@"number of transactions actually processed: ([0-9]+)")]
    private static partial Regex ProcessedPattern();

    [GeneratedRegex(@"number of failed transactions: ([0-9]+)")]
    private static partial Regex FailedPattern();
}
