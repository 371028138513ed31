using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;
using Scop.Aspire.ServiceDefaults.Telemetry;

namespace Scop.Aspire.Gateway.Tests;

/// <summary>
/// Which traces reach the dashboard: every one at the rate people click, a budget a second under load, and a trace
/// that arrives sampled (or dropped) stays so in every service it crosses.
/// </summary>
public sealed class TraceSamplingTests
{
    private static readonly ActivityContext SampledParent =
        new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);

    private static readonly ActivityContext DroppedParent =
        new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);

    [Fact]
    public void New_traces_are_recorded_up_to_the_budget_then_dropped_until_the_next_second()
    {
        var time = new FakeTimeProvider();
        var sampler = TraceBudgetSampler.ForServices(3, time);

        Assert.Equal([true, true, true, false, false], Decide(sampler, default, 5));

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal([false], Decide(sampler, default, 1));

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([true, true, true, false], Decide(sampler, default, 4));
    }

    [Fact]
    public void A_trace_that_arrives_sampled_or_dropped_keeps_its_decision_whatever_the_budget()
    {
        var time = new FakeTimeProvider();
        var sampler = TraceBudgetSampler.ForServices(1, time);
        Decide(sampler, default, 1);

        Assert.Equal([true, true], Decide(sampler, SampledParent, 2));
        Assert.Equal([false], Decide(sampler, default, 1));

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal([false, false], Decide(sampler, DroppedParent, 2));
        Assert.Equal([true], Decide(sampler, default, 1));
    }

    [Fact]
    public void A_service_records_its_budget_of_new_traces_and_every_trace_its_caller_sampled()
    {
        using var host = ServiceHost(("Scop:Telemetry:TracesPerSecond", "3"));
        using var source = new ActivitySource(host.Services.GetRequiredService<IHostEnvironment>().ApplicationName);

        var watch = Stopwatch.StartNew();
        var recorded = Enumerable.Range(0, 50).Count(_ => Start(source, default));
        var seconds = (int)Math.Ceiling(watch.Elapsed.TotalSeconds);

        Assert.InRange(recorded, 3, 3 * (seconds + 1));
        Assert.True(Start(source, SampledParent), "a sampled caller's trace is recorded over the budget");
        Assert.False(Start(source, DroppedParent), "a dropped caller's trace stays dropped");
    }

    [Fact]
    public void All_keeps_every_trace()
    {
        using var host = ServiceHost(("Scop:Telemetry:TracesPerSecond", "all"));
        using var source = new ActivitySource(host.Services.GetRequiredService<IHostEnvironment>().ApplicationName);

        Assert.Equal(500, Enumerable.Range(0, 500).Count(_ => Start(source, default)));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("many")]
    public void A_budget_that_is_not_a_positive_number_or_all_stops_the_service_with_the_reason(string value)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => ServiceHost(("Scop:Telemetry:TracesPerSecond", value)));

        Assert.Contains($"Scop:Telemetry:TracesPerSecond is '{value}'", failure.Message);
    }

    private static bool[] Decide(Sampler sampler, ActivityContext parent, int traces) =>
        Enumerable.Range(0, traces).Select(_ =>
        {
            var parameters = new SamplingParameters(parent, parent.TraceId == default ? ActivityTraceId.CreateRandom() : parent.TraceId,
                "GET /api/membership/cooperatives", ActivityKind.Server);
            return sampler.ShouldSample(parameters).Decision == SamplingDecision.RecordAndSample;
        }).ToArray();

    private static bool Start(ActivitySource source, ActivityContext parent)
    {
        using var activity = source.StartActivity("work", ActivityKind.Internal, parent);
        return activity?.Recorded ?? false;
    }

    /// <summary>A host with the platform's telemetry defaults, its tracer provider built.</summary>
    private static IHost ServiceHost(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = $"trace-sampling-{Guid.NewGuid():N}",
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.AddOpenTelemetryDefaults();
        var host = builder.Build();
        host.Services.GetRequiredService<TracerProvider>();
        return host;
    }
}
