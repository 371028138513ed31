using Scop.Aspire.HostileInput.Tests.Support;
using Scop.Aspire.Testing;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Scop.Aspire.HostileInput.Tests;

/// <summary>
/// The real servers (the mail server too, for a service that sends e-mail), a webhook receiver, and one run over every service the AppHost declares (one after the other:
/// each service's own events must not reach another's database while that one is being watched).
/// </summary>
public sealed class HostileInputRun(IMessageSink diagnostics) : PlatformServersWithMail
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private IReadOnlyList<ServiceReport>? reports;
    private WebhookReceiver? receiver;

    public async Task<IReadOnlyList<ServiceReport>> ReportsAsync()
    {
        await gate.WaitAsync();
        try
        {
            if (reports is null)
            {
                receiver = await WebhookReceiver.StartAsync();
                var all = new List<ServiceReport>();
                foreach (var service in await PlatformModel.ServicesAsync())
                {
                    all.Add(await HostileRun.RunAsync(service, this, receiver.Url));
                }

                reports = all;
            }

            return reports;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// A line in the test run's own console output, passed or failed (xunit shows a test's output only when it fails,
    /// and <c>./test.sh</c> shows no test output): what was covered is read in every run's log, not only in a failure.
    /// </summary>
    public void Announce(string line) => diagnostics.OnMessage(new DiagnosticMessage(line));

    public override async Task DisposeAsync()
    {
        if (receiver is not null)
        {
            await receiver.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}

/// <summary>
/// Hostile input on every operation of every service's OpenAPI document — path, query, header and body alike —
/// each time inside an otherwise valid request sent by a caller the endpoint admits: every answer is a 4xx
/// ProblemDetails, none is a 5xx or never comes, and the service's database holds the same rows afterwards.
/// </summary>
public sealed class HostileInputTests(HostileInputRun run, ITestOutputHelper output) : IClassFixture<HostileInputRun>
{
    private static readonly string[] RequestKinds =
        [Finding.ServerError, Finding.Hung, Finding.Accepted, Finding.NotProblem, Finding.Wrote];

    [Fact]
    public async Task Every_operation_refuses_hostile_input_with_a_4xx_problem_and_writes_nothing()
    {
        var reports = await run.ReportsAsync();
        foreach (var report in reports)
        {
            Tell(report.Summary);
            foreach (var refused in report.NotReached)
            {
                output.WriteLine($"  valid request refused (hostile twins tested up to that refusal): {refused}");
            }
        }

        var findings = reports.SelectMany(r => r.Findings).Where(f => RequestKinds.Contains(f.Kind)).ToList();
        Tell(
            $"Hostile input: {reports.Count} services, {reports.Sum(r => r.Operations)} operations covered of "
            + $"{reports.Sum(r => r.DocumentedOperations)} documented, {reports.Sum(r => r.Requests):N0} requests sent, "
            + $"{findings.Count(f => f.Kind == Finding.ServerError)} answers 5xx, {findings.Count(f => f.Kind == Finding.Hung)} hangs, "
            + $"{findings.Count(f => f.Kind == Finding.Accepted)} accepted, {findings.Count(f => f.Kind == Finding.NotProblem)} without ProblemDetails, "
            + $"{findings.Count(f => f.Kind == Finding.Wrote)} writes.");

        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.True(r.Requests > 0, $"{r.Service}: no hostile request was sent"));
        Assert.True(findings.Count == 0, Describe(findings));
    }

    [Fact]
    public async Task Every_endpoint_a_service_maps_is_in_its_document()
    {
        var reports = await run.ReportsAsync();
        foreach (var report in reports)
        {
            output.WriteLine($"{report.Service}: {report.DocumentedOperations} documented operations; kept out on purpose: "
                + string.Join(", ", report.OutsideTheContract));
        }

        var findings = reports.SelectMany(r => r.Findings).Where(f => f.Kind is Finding.Undocumented or Finding.Unmapped).ToList();
        Assert.True(findings.Count == 0, Describe(findings));
    }

    private void Tell(string line)
    {
        output.WriteLine(line);
        run.Announce(line);
    }

    private static string Describe(IReadOnlyList<Finding> findings) =>
        string.Join("\n", findings.GroupBy(f => f.Kind).Select(group =>
            $"{group.Count()} {group.Key}:\n  " + string.Join("\n  ", group.Take(40))
            + (group.Count() > 40 ? $"\n  … and {group.Count() - 40} more" : "")));
}
