using Scop.Aspire.Bench;

// The bench's sockets complete on their I/O thread rather than waking a thread-pool worker for each answer: in the
// open loops, where answers come one at a time, that wake-up was a quarter of the bench's own CPU on 2 cores it shares
// with the system it measures. The runtime reads this once, before the first socket, so it is set first.
Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

if (args.Any(a => a is "-h" or "--help"))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (UsageException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine();
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

// A hard ceiling on the whole run, whatever happens: the bench always stops by itself.
// faults waits for each process it kills to be healthy again: on a busy machine a run of two replicas takes longer.
stop.CancelAfter(TimeSpan.FromMinutes(options.Scenario == "faults" ? 90 : 30));

// faults starts and stops its own platform: nothing needs to run before it.
if (options.Scenario == "faults")
{
    var faultsStarted = DateTimeOffset.UtcNow;
    ScenarioResult faults;
    try
    {
        faults = await new FaultsScenario(options, Console.Error).RunAsync(stop.Token);
    }
    catch (Exception e) when (e is BenchSetupException or TokenException or TimeoutException)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }

    var faultsPath = ResultWriter.Write(options.OutDirectory, "faults", faultsStarted, faults);
    Console.WriteLine(faults.Summary + " Targets: " + string.Join("; ", faults.Targets!.Select(x => $"{x.Target}: {x.Measured} -> {(x.Met ? "met" : "MISSED")}")));
    Console.WriteLine($"Result: {Path.GetFullPath(faultsPath)}");
    return faults.Targets!.All(t => t.Met) ? 0 : 3;
}

AccessTokens tokens;
try
{
    tokens = options.Token is { } jwt
        ? AccessTokens.Fixed(options.Gateway, jwt)
        : AccessTokens.Development(options.Gateway, AccessTokens.CredentialsPath(options.DataRoot), options.User);
}
catch (UsageException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var http = HttpLoad.CreateClient(options.Gateway, tokens, Math.Max(HttpLoad.DefaultConnections, options.Clients ?? 0));
var pgPort = new Npgsql.NpgsqlConnectionStringBuilder(options.Pg).Port;
var scenarios = new Scenarios(options, http, new CpuSampler(pgPort), Console.Error);

// The system must answer before anything is measured.
try
{
    using var probe = await http.GetAsync(Requests.PingPath, stop.Token);
    if (!probe.IsSuccessStatusCode)
    {
        Console.Error.WriteLine($"{options.Gateway} answered {(int)probe.StatusCode} to {Requests.PingPath}; is the system up (./run.sh)?");
        return 1;
    }
}
catch (HttpRequestException e)
{
    Console.Error.WriteLine($"{options.Gateway} does not answer ({e.Message}); start the system with ./run.sh first.");
    return 1;
}

// Writes need a bearer token (the gateway answers 401 otherwise): have one before anything is measured.
if (options.Scenario != "gateway-floor")
{
    try
    {
        await tokens.GetAsync(stop.Token);
        Console.Error.WriteLine($"[bench] token of {tokens.Describe()}, valid until {tokens.ExpiresAt:u}");
        if (!tokens.Renewable && tokens.ExpiresAt < DateTimeOffset.UtcNow.AddMinutes(5))
        {
            Console.Error.WriteLine("[bench] the --token given ends within 5 minutes; writes after that will be 401s.");
        }
    }
    catch (Exception e) when (e is TokenException or HttpRequestException or IOException or System.Text.Json.JsonException)
    {
        Console.Error.WriteLine($"No token from {options.Gateway}: {e.Message}");
        return 1;
    }
}

var started = DateTimeOffset.UtcNow;
string path;
string summary;
bool targetsMet;
switch (options.Scenario)
{
    case "all":
    {
        var result = await scenarios.AllAsync(stop.Token);
        path = ResultWriter.Write(options.OutDirectory, "all", started, result);
        summary = result.Summary;
        targetsMet = result.Targets.All(t => t.Met);
        break;
    }

    default:
    {
        ScenarioResult result;
        try
        {
            result = options.Scenario switch
            {
                "gateway-floor" => await scenarios.GatewayFloorAsync(stop.Token),
                "register-cooperative" => await scenarios.RegisterCooperativeAsync(null, null, stop.Token),
                "training-bookings" => await new TrainingBookings(options, http, new CpuSampler(pgPort), Console.Error).RunAsync(null, stop.Token),
                "seed-fund-requests" => await new SeedFundRequests(options, http, new CpuSampler(pgPort), Console.Error).RunAsync(stop.Token),
                "identity" => await new IdentityTokens(options, new CpuSampler(pgPort), Console.Error).RunAsync(stop.Token),
                "membership-search" => await new MembershipSearch(options, http, scenarios, new CpuSampler(pgPort), Console.Error).RunAsync(stop.Token),
                "pipeline-search" => await new PipelineSearch(options, http, scenarios, new CpuSampler(pgPort), Console.Error).RunAsync(stop.Token),
                "ambassade-search" => await new AmbassadeSearch(options, http, scenarios, new CpuSampler(pgPort), Console.Error).RunAsync(stop.Token),
                "webhook-delivery" => await new WebhookDelivery(options, http, scenarios, new CpuSampler(pgPort), Console.Error).RunAsync(stop.Token),
                "notification-delivery" => await new NotificationDelivery(options, http, scenarios, new CpuSampler(pgPort), Console.Error).RunAsync(stop.Token),
                "portal" => await new PortalReads(options, http, scenarios, new CpuSampler(pgPort), Console.Error).RunAsync(stop.Token),
                "web-pages" => await new WebPages(options, http, scenarios, new CpuSampler(pgPort), Console.Error).RunAsync(stop.Token),
                _ => await scenarios.EventLatencyAsync(stop.Token),
            };
        }
        catch (Exception e) when (e is BenchSetupException or TokenException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }

        path = ResultWriter.Write(options.OutDirectory, options.Scenario, started, result);
        summary = result.Summary + (result.Targets is { Count: > 0 } t
            ? " Targets: " + string.Join("; ", t.Select(x => $"{x.Target}: {x.Measured} -> {(x.Met ? "met" : "MISSED")}"))
            : "");
        targetsMet = result.Targets?.All(x => x.Met) ?? true;
        break;
    }
}

Console.WriteLine(summary);
Console.WriteLine($"Result: {Path.GetFullPath(path)}");
return targetsMet ? 0 : 3;
