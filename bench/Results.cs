using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scop.Aspire.Bench;

/// <summary>Percentiles by nearest rank over every recorded value: exact, and cheap at these volumes.</summary>
public sealed record LatencySummary(long Count, double P50, double P95, double P99, double Max, double Mean)
{
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0);

    public static LatencySummary From(IEnumerable<double> values)
    {
        var sorted = values.ToArray();
        if (sorted.Length == 0)
        {
            return Empty;
        }

        Array.Sort(sorted);
        return new LatencySummary(sorted.Length, Round(Percentile(sorted, 50)), Round(Percentile(sorted, 95)),
            Round(Percentile(sorted, 99)), Round(sorted[^1]), Round(sorted.Average()));
    }

    private static double Percentile(double[] sorted, double p)
    {
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static double Round(double value) => Math.Round(value, 2);

    public override string ToString() => $"p50 {P50:0.#} ms, p95 {P95:0.#} ms, p99 {P99:0.#} ms, max {Max:0.#} ms";
}

/// <summary>Non-2xx answers that were not expected, plus exceptions, by status code or exception type.</summary>
public sealed record ErrorSummary(long Total, SortedDictionary<string, long> Breakdown)
{
    public static ErrorSummary Empty => new(0, []);

    /// <summary>" (status: count, …)" after a figure, or nothing when there were no errors.</summary>
    public string Detail => Total == 0 ? "" : " (" + string.Join(", ", Breakdown.Select(e => $"{e.Key}: {e.Value}")) + ")";

    public static ErrorSummary Merge(IEnumerable<ErrorSummary> parts)
    {
        var breakdown = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, count) in parts.SelectMany(p => p.Breakdown))
        {
            breakdown[key] = breakdown.GetValueOrDefault(key) + count;
        }

        return new ErrorSummary(breakdown.Values.Sum(), breakdown);
    }
}

public sealed record MachineInfo(int Cores, string Os, string Kernel, string Runtime, string LoadAverageAtStart)
{
    public static MachineInfo Current()
    {
        var os = RuntimeInformation.OSDescription;
        try
        {
            var pretty = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            if (pretty is not null)
            {
                os = pretty["PRETTY_NAME=".Length..].Trim('"');
            }
        }
        catch (IOException)
        {
        }

        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? "Linux " + File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : RuntimeInformation.OSDescription;
        return new MachineInfo(Environment.ProcessorCount, os, kernel,
            RuntimeInformation.FrameworkDescription, load);
    }
}

public sealed record TargetCheck(string Target, string Measured, bool Met);

/// <summary>One scenario's result: the fields every result file has, plus the scenario's own counters and details.</summary>
public sealed record ScenarioResult
{
    public required string Scenario { get; init; }
    public required MachineInfo Machine { get; init; }
    public required DateTimeOffset Started { get; init; }
    public required DateTimeOffset Ended { get; init; }
    public required Dictionary<string, object?> Parameters { get; init; }
    public required long Requests { get; init; }
    public required ErrorSummary Errors { get; init; }
    /// <summary>Answered requests per second over the measured time (all statuses).</summary>
    public required double Throughput { get; init; }
    public required LatencySummary LatencyMs { get; init; }
    public Dictionary<string, object?> Counters { get; init; } = [];
    public required Dictionary<string, object?> Floors { get; init; }
    public Dictionary<string, object?> Details { get; init; } = [];
    public List<TargetCheck>? Targets { get; init; }
    public CpuUsage? Cpu { get; init; }
    public required string Summary { get; init; }
}

/// <summary>The <c>all</c> scenario: each phase's complete result and a summary that puts each figure beside its floor.</summary>
public sealed record CombinedResult
{
    public string Scenario => "all";
    public required MachineInfo Machine { get; init; }
    public required DateTimeOffset Started { get; init; }
    public required DateTimeOffset Ended { get; init; }
    public required Dictionary<string, object?> Parameters { get; init; }
    public required long Requests { get; init; }
    public required ErrorSummary Errors { get; init; }
    public required Dictionary<string, object?> Floors { get; init; }
    public required List<ScenarioResult> Scenarios { get; init; }
    public required List<TargetCheck> Targets { get; init; }
    public required string Summary { get; init; }
}

public static class ResultWriter
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Write<T>(string directory, string scenario, DateTimeOffset started, T result)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{scenario}-{started.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(result, Json) + Environment.NewLine);
        return path;
    }
}
