using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Scop.Aspire.Testing;

/// <summary>
/// Everything a service in this process writes to its logs and its traces, as text: each log entry's message, its
/// structured values, its scopes and its exception; each span's name, tags, events, status and baggage, whatever its
/// source (ASP.NET Core, HttpClient, Npgsql, MassTransit, the platform's own). Every span is recorded with all its data,
/// whatever the services' samplers keep, so nothing escapes the check. Tests find personal data in it, or not.
/// </summary>
public sealed class TelemetryCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> entries = new();
    private readonly ActivityListener listener;
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public TelemetryCapture()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(listener);
    }

    private int spanCount;
    private int logCount;

    /// <summary>Spans recorded so far.</summary>
    public int SpanCount => Volatile.Read(ref spanCount);

    /// <summary>Log entries recorded so far.</summary>
    public int LogCount => Volatile.Read(ref logCount);

    /// <summary>The distinct tag names the spans carried: what a trace tells about a request.</summary>
    public ConcurrentDictionary<string, byte> TagNames { get; } = new();

    /// <summary>Every captured entry that contains one of <paramref name="needles"/> (ignoring case).</summary>
    public IReadOnlyList<string> Containing(IEnumerable<string> needles)
    {
        var wanted = needles.Where(n => n.Length > 0).ToList();
        return entries.Where(e => wanted.Any(n => e.Contains(n, StringComparison.OrdinalIgnoreCase))).ToList();
    }

    private void Record(Activity activity)
    {
        var text = new StringBuilder($"span {activity.Source.Name} {activity.OperationName} {activity.DisplayName} {activity.StatusDescription}");
        foreach (var (key, value) in activity.TagObjects)
        {
            TagNames.TryAdd(key, 0);
            text.Append($" {key}={value}");
        }

        foreach (var activityEvent in activity.Events)
        {
            text.Append($" event {activityEvent.Name}");
            foreach (var (key, value) in activityEvent.Tags)
            {
                text.Append($" {key}={value}");
            }
        }

        foreach (var (key, value) in activity.Baggage)
        {
            text.Append($" baggage {key}={value}");
        }

        Interlocked.Increment(ref spanCount);
        entries.Enqueue(text.ToString());
    }

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose() => listener.Dispose();

    private sealed class CapturingLogger(TelemetryCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => capture.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder($"log {logLevel} {category} {formatter(state, exception)}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    text.Append($" {key}={value}");
                }
            }

            capture.scopes.ForEachScope((scope, builder) =>
            {
                builder.Append($" scope {scope}");
                if (scope is IEnumerable<KeyValuePair<string, object?>> scopeValues)
                {
                    foreach (var (key, value) in scopeValues)
                    {
                        builder.Append($" {key}={value}");
                    }
                }
            }, text);
            if (exception is not null)
            {
                text.Append($" exception {exception}");
            }

            Interlocked.Increment(ref capture.logCount);
            capture.entries.Enqueue(text.ToString());
        }
    }
}
