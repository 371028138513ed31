using System.Globalization;
using System.Net;

namespace Scop.Aspire.Bench;

/// <summary>The command line: a scenario and its knobs. Unknown options are refused, not ignored.</summary>
public sealed record BenchOptions
{
    public const string DefaultGateway = "http://localhost:8080";
    public const string DefaultPg = "Host=127.0.0.1;Port=25432;Username=scop";

    public static readonly string[] Scenarios =
        ["gateway-floor", "register-cooperative", "event-latency", "training-bookings", "seed-fund-requests", "identity", "membership-search", "pipeline-search", "ambassade-search", "portal", "webhook-delivery", "notification-delivery", "web-pages", "all",
            "faults"];

    public required string Scenario { get; init; }
    public int? Clients { get; init; }
    public TimeSpan? Duration { get; init; }
    public double Rate { get; init; } = 100;
    public bool RateGiven { get; init; }
    public int Replicas { get; init; } = 1;
    /// <summary>web-pages: loads of each page in the browser, cold and warm each.</summary>
    public int Loads { get; init; } = 10;
    public Uri Gateway { get; init; } = new(DefaultGateway);
    public string OutDirectory { get; init; } = DefaultOutDirectory();
    public string Pg { get; init; } = DefaultPg;
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan FloorDuration { get; init; } = TimeSpan.FromSeconds(5);
    public int PgbenchSeconds { get; init; } = 15;
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(20);
    public TimeSpan MissingAfter { get; init; } = TimeSpan.FromSeconds(10);
    public string? Token { get; init; }
    public string User { get; init; } = AccessTokens.DefaultUser;
    /// <summary>The platform's mail server (local mode: the AppHost's Exim), for the notification bench's floor.</summary>
    public string Smtp { get; init; } = "smtp://127.0.0.1:25025";

    public string? DataRoot { get; init; } = Environment.GetEnvironmentVariable("SCOP_DATA_ROOT") is { Length: > 0 } root ? root : null;

    public int ClientsOr(int fallback) => Clients ?? fallback;

    public TimeSpan DurationOr(TimeSpan fallback) => Duration ?? fallback;

    public const string Usage = """
        Scop.Aspire bench: drives the running system through the gateway and writes one JSON result per run.

        Usage: dotnet run --project bench -c Release -- <scenario> [options]

        Scenarios:
          gateway-floor         N clients on GET /api/membership/ping through the gateway (the trivial path).
          register-cooperative  N clients POSTing valid cooperatives; floors: pgbench -N TPS and a short gateway floor.
          event-latency         open-loop registrations at R/s while a poller reads /api/portal/feed; latency from
                                membership commit to portal feed entry, and as the client sees it.
          training-bookings     seat holds on one hot session (1,000 seats) and across 1,000 sessions, then at half
                                that rate; 0 oversold seats checked in the database; floor: pgbench -N TPS.
          seed-fund-requests    N clients (64) asking 1 € each of one seed-fund compartment of the reprise watch, then
                                racing for the last 1,000 € of another (exactly 1,000 accepted); 0 over-committed checked
                                in the database; floor: pgbench -N TPS.
          identity              client-credentials tokens/s through the gateway (floor: the gateway ping), and the ping
                                with a bearer token against the same ping anonymous (target: >= 80 %).
          membership-search     N clients searching the demo register (name, union, sector, legal form, paging;
                                target p95 < 50 ms), then registration beside pgbench -N. Needs seed-demo first.
          pipeline-search       N clients (32) reading the reprise watch's pipeline as staff (paging, stage, union +
                                stage, cause, stale, NAF division, name, SIREN; target p95 < 50 ms on 10,000 demo
                                opportunities); floor: the gateway ping. Needs both seed-demos first (see bench/README).
          ambassade-search      N clients (32) asking for the nearest Ambassades (commune, postcode, point, sector;
                                target p95 < 30 ms over 1,600 labelled), then enquiries/s to the nearest, each checked
                                stored with its two timers; floor: the gateway ping. Needs both seed-demos (bench/README).
          portal                N clients (32) reading a cached public page (target >= 50 % of the gateway ping's
                                throughput), then French searches (target p95 < 50 ms over 50,000 items), then visit
                                beacons at 2,000/s, the statistics checked after the flush. Needs portal's seed-demo.
          webhook-delivery      a receiver in the bench subscribed through partner-hooks; open-loop registrations at
                                R/s, each a signed CooperativeJoined webhook; latency from the event to the receiver's 2xx.
          notification-delivery managers of cooperatives made for the run; open-loop dues payments at R/s, each a
                                MembershipRenewed e-mail; latency from the event to the SMTP server's acceptance, every
                                e-mail counted in the mail server's Maildir; floor: the mail server alone.
          web-pages             each public page of the front-end in Chromium through the gateway, cold and warm
                                (first contentful paint, bytes transferred), then N clients GETting each page
                                (pages/s); floors: the gateway ping with 1 client and with N clients.
          all                   pgbench floor, gateway-floor, register-cooperative, event-latency; one combined JSON.
          faults                starts its own platform (local mode, free ports, --replicas N) and keeps a mixed load of
                                registrations, hires, bookings and card enrolments (each a webhook to a receiver in
                                the bench) at R/s (default 20) while each process of each service and of the gateway is
                                killed and started again, RabbitMQ stopped and started, PostgreSQL and Redis restarted;
                                then reconciles with the databases: 0 lost, 0 doubled, 0 oversold. Needs no running
                                system; about 10 minutes with 1 replica, 15 with 2.

        Options:
          --clients N           concurrent clients (default 32; web-pages 8)
          --duration T          measured time: 20, 20s, 1m, 500ms (default 20 s; event-latency, webhook- and notification-delivery 30 s;
                                web-pages 10 s per page)
          --rate R              event-latency, webhook- and notification-delivery arrival rate, events per second (default 100)
          --gateway URL         gateway base address, loopback only (default http://localhost:8080)
          --out DIR             where the JSON goes (default bench/results)
          --pg CONN             PostgreSQL for the pgbench floor (default "Host=127.0.0.1;Port=25432;Username=scop")
          --warmup T            unmeasured warm-up before each closed-loop phase (default 10 s)
          --floor-duration T    length of the short floor phases (default 5 s)
          --pgbench-seconds S   pgbench -T (default 15)
          --poll-interval T     event-latency feed poll interval (default 20 ms)
          --missing-after T     how long event-latency and webhook-delivery wait for late events (default 10 s)
          --token JWT           bearer token for the writes (membership, training); used as is, never renewed.
                                It needs the audiences membership, portal and training and a role that may
                                register cooperatives anywhere and schedule sessions (confederation-admin)
          --user NAME           without --token: the development user whose token is fetched at start through the
                                gateway (code + PKCE, as scripts/dev-token.sh; default admin), again when < 2 min left
          --smtp URL            the mail server, smtp://host:port (default smtp://127.0.0.1:25025)
          --loads N             web-pages: loads of each page in the browser, cold and warm each (default 10)
          --replicas N          faults: processes per service and for the gateway (Scop:Replicas, default 1)
          --data-root DIR       the AppHost's --Scop:DataRoot, where identity/dev-credentials.json is (default:
                                $SCOP_DATA_ROOT, else .scop/ at the repository root)
          -h, --help            this text
        """;

    public static BenchOptions Parse(string[] args)
    {
        if (args.Length == 0)
        {
            throw new UsageException("No scenario given.");
        }

        string? scenario = null;
        int? clients = null;
        TimeSpan? duration = null;
        var options = new BenchOptions { Scenario = "" };
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value()
            {
                if (i + 1 >= args.Length)
                {
                    throw new UsageException($"{arg} needs a value.");
                }

                return args[++i];
            }

            switch (arg)
            {
                case "--clients":
                    clients = PositiveInt(arg, Value());
                    break;
                case "--duration":
                    duration = ParseDuration(arg, Value());
                    break;
                case "--rate":
                    var rate = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r > 0
                        ? r
                        : throw new UsageException("--rate must be a positive number.");
                    options = options with { Rate = rate, RateGiven = true };
                    break;
                case "--gateway":
                    options = options with { Gateway = LoopbackUri(Value()) };
                    break;
                case "--out":
                    options = options with { OutDirectory = Value() };
                    break;
                case "--pg":
                    options = options with { Pg = Value() };
                    break;
                case "--warmup":
                    options = options with { Warmup = ParseDuration(arg, Value(), allowZero: true) };
                    break;
                case "--floor-duration":
                    options = options with { FloorDuration = ParseDuration(arg, Value()) };
                    break;
                case "--pgbench-seconds":
                    options = options with { PgbenchSeconds = PositiveInt(arg, Value()) };
                    break;
                case "--poll-interval":
                    options = options with { PollInterval = ParseDuration(arg, Value()) };
                    break;
                case "--missing-after":
                    options = options with { MissingAfter = ParseDuration(arg, Value()) };
                    break;
                case "--token":
                    options = options with { Token = Value().Trim() is { Length: > 0 } token ? token : throw new UsageException("--token is empty.") };
                    break;
                case "--user":
                    options = options with { User = Value() };
                    break;
                case "--replicas":
                    options = options with { Replicas = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 4
                        ? n
                        : throw new UsageException("--replicas must be 1 to 4.") };
                    break;
                case "--loads":
                    options = options with { Loads = PositiveInt(arg, Value()) };
                    break;
                case "--data-root":
                    options = options with { DataRoot = Value() };
                    break;
                case "--smtp":
                    options = options with { Smtp = Value() };
                    break;
                default:
                    if (arg.StartsWith('-'))
                    {
                        throw new UsageException($"Unknown option {arg}.");
                    }

                    if (scenario is not null)
                    {
                        throw new UsageException($"One scenario at a time: got {scenario} and {arg}.");
                    }

                    scenario = Scenarios.Contains(arg) ? arg : throw new UsageException($"Unknown scenario {arg}.");
                    break;
            }
        }

        return options with
        {
            Scenario = scenario ?? throw new UsageException("No scenario given."),
            Clients = clients,
            Duration = duration,
        };
    }

    public static TimeSpan ParseDuration(string name, string text, bool allowZero = false)
    {
        text = text.Trim().ToLowerInvariant();
        var (number, unit) = text.EndsWith("ms") ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || value < 0 || (value == 0 && !allowZero) || value * unit > 3600)
        {
            throw new UsageException($"{name}: '{text}' is not a duration between 0 and 1 h (e.g. 20, 20s, 1m, 500ms).");
        }

        return TimeSpan.FromSeconds(value * unit);
    }

    /// <summary>The bench only ever sends to this machine.</summary>
    public static Uri LoopbackUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            throw new UsageException($"--gateway: '{text}' is not an http(s) URL.");
        }

        var loopback = uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
        if (!loopback)
        {
            throw new UsageException($"--gateway: {uri.Host} is not a loopback address; the bench only targets this machine.");
        }

        return new Uri(uri.GetLeftPart(UriPartial.Authority));
    }

    private static int PositiveInt(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 10_000
            ? value
            : throw new UsageException($"{name} must be a whole number between 1 and 10000.");

    private static string DefaultOutDirectory()
    {
        // bench/results beside this project, wherever the command is run from.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Scop.Aspire.Bench.csproj")))
            {
                return Path.Combine(dir.FullName, "results");
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), "bench", "results");
    }
}

public sealed class UsageException(string message) : Exception(message);
