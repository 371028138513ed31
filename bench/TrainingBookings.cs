using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Npgsql;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Bench;

/// <summary>
/// <c>training-bookings</c>: seat holds through the gateway. Sets up its own course and sessions through the API, and
/// the people it books as the platform knows them: cooperatives registered and people hired through membership, which
/// training learns from membership's events (only the register's people are booked). Then
/// (1) 64 clients book one hot session of 1,000 seats, (2) 64 clients book at random across 1,000 sessions, (3) the
/// same spread load sent open-loop at half the rate measured in (2), for its p99 (after a warm-up at that rate).
/// Afterwards it reads the training database: no session may hold more seats than its capacity, and each session's
/// seat counter must equal the seats of its active bookings. Floors: <c>pgbench -N</c> TPS in the same run, and beside
/// the p99 of (3), the machine's own stalls during (3) and its warm-up (<see cref="MachinePauses"/>), what the services'
/// background compilers took meanwhile (<see cref="BackgroundCompilation"/>), what the machine spent outside the system
/// and the bench (<see cref="OutsideTheSystem"/>) and the holds of earlier runs that expired.
/// </summary>
public sealed class TrainingBookings(BenchOptions options, HttpClient http, CpuSampler cpu, TextWriter progress)
{
    public const double TargetShareOfPgbench = 0.30;
    public const double TargetP99Ms = 100;
    public const int HotCapacity = 1_000;
    public const int SpreadSessions = 1_000;
    public const int SpreadCapacity = 1_000;

    /// <summary>The people booked: hired through membership in this many cooperatives of this many people each.</summary>
    public const int Cooperatives = 20;
    public const int PeoplePerCooperative = 50;

    private const string Prefix = "/api/training";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private int Clients => options.ClientsOr(64);

    public async Task<ScenarioResult> RunAsync(PgbenchResult? pgbench, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var duration = options.DurationOr(TimeSpan.FromSeconds(20));
        if (pgbench is null)
        {
            progress.WriteLine($"[bench] pgbench floor ({options.PgbenchSeconds} s)...");
            pgbench = await PgbenchFloor.RunAsync(options.Pg, options.PgbenchSeconds, cpu, ct);
            progress.WriteLine($"[bench] {pgbench.Line()}");
        }

        progress.WriteLine($"[bench] training-bookings: creating a course, a hot session of {HotCapacity} seats and {SpreadSessions} sessions through the API...");
        var setup = Stopwatch.StartNew();
        var course = await CreateAsync($"{Prefix}/courses",
            $$"""{"title":"Bench {{Guid.NewGuid():N}}","path":"Cooperative","durationHours":7}""", ct);
        var startsOn = FrenchHolidays.WorkingDayFrom(ParisCalendar.Today(TimeProvider.System).AddDays(60));
        var hot = await CreateSessionAsync(course, startsOn, HotCapacity, ct);
        var sessions = new Guid[SpreadSessions];
        await Parallel.ForEachAsync(Enumerable.Range(0, SpreadSessions), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (i, token) => sessions[i] = await CreateSessionAsync(course, startsOn, SpreadCapacity, token));
        progress.WriteLine($"[bench] sessions set up in {setup.Elapsed.TotalSeconds:0.#} s; hiring {Cooperatives * PeoplePerCooperative} people in {Cooperatives} cooperatives through membership...");
        setup.Restart();
        people = await HirePeopleAsync(ct);
        var consumers = await OutboxBacklog.WaitUntilConsumersIdleAsync(options.Pg, ["portal", "partnerhooks", "training"], TimeSpan.FromMinutes(2), ct);
        progress.WriteLine(string.Create(Invariant,
            $"[bench] training knows the {people.Length} people after {setup.Elapsed.TotalSeconds:0.#} s; the consumers were idle {consumers.Seconds:0.#} s later"));

        var hotPhase = await Log(HttpLoad.ClosedLoopAsync("hot-session", Clients, TimeSpan.FromSeconds(Math.Min(10, duration.TotalSeconds)),
            TimeSpan.Zero, token => BookAsync(hot, token), cpu, ct));
        var spreadPhase = await Log(HttpLoad.ClosedLoopAsync("spread-sessions", Clients, duration, options.Warmup,
            token => BookAsync(sessions[Random.Shared.Next(sessions.Length)], token), cpu, ct));
        var halfRate = Math.Max(1, spreadPhase.OkThroughput / 2);
        using var pauses = MachinePauses.Start();
        using var compilation = BackgroundCompilation.Start(cpu);
        using var outside = OutsideTheSystem.Watch(cpu);
        var halfStarted = DateTimeOffset.UtcNow;
        var halfPhase = await Log(HttpLoad.OpenLoopAsync("spread-half-rate", halfRate, options.Warmup, duration,
            token => BookAsync(sessions[Random.Shared.Next(sessions.Length)], token), ct));
        var halfPauses = pauses.Stop();
        var halfCompilation = compilation.Stop();
        var halfOutside = outside.Stop();
        var expiredMeanwhile = await HoldsExpiredBetweenAsync(halfStarted, DateTimeOffset.UtcNow, ct);
        progress.WriteLine($"[bench] during the half-rate phase, {halfPauses.Line()}; {halfCompilation.Line()}; {OutsideTheSystem.Line(halfOutside)}; the service let {expiredMeanwhile} holds expire");
        if (halfOutside.SecondsOverThreshold > 0)
        {
            progress.WriteLine(string.Create(Invariant,
                $"[bench] something outside the system took up to {halfOutside.BusiestSecondCores:0.##} cores during the half-rate phase (at {halfOutside.BusiestAt:HH:mm:ss} UTC): its p99 measures the machine's other work too"));
        }
        if (halfPhase.Timeline is { Count: > 0 } seconds && seconds.MaxBy(s => s.P99Ms) is { } slowest)
        {
            progress.WriteLine(string.Create(Invariant,
                $"[bench] its slowest second: requests sent at {slowest.At:HH:mm:ss} UTC, {slowest.Sent} of them, p99 {slowest.P99Ms:0.#} ms, max {slowest.MaxMs:0.#} ms"));
        }

        var check = await CheckDatabaseAsync(ct);
        progress.WriteLine($"[bench] database check: {check.Sessions} sessions, {check.Oversold} seats oversold, {check.Mismatched} counters off");

        var fiveHundreds = new[] { hotPhase, spreadPhase, halfPhase }
            .Sum(p => p.Errors.Breakdown.Where(e => e.Key.StartsWith('5')).Sum(e => e.Value));
        var errors = ErrorSummary.Merge([hotPhase.Errors, spreadPhase.Errors, halfPhase.Errors]);
        var pgTps = pgbench.Tps ?? 0;
        var share = pgTps > 0 ? spreadPhase.OkThroughput / pgTps : 0;
        var hotShare = pgTps > 0 ? hotPhase.Throughput / pgTps : 0;
        var targets = new List<TargetCheck>
        {
            new($">= {TargetShareOfPgbench:P0} of pgbench -N TPS (spread bookings/s)",
                pgTps > 0 ? string.Create(Invariant, $"{spreadPhase.OkThroughput:0.#}/s = {share:P0} of {pgTps:0.#}") : "pgbench did not run",
                pgTps > 0 && share >= TargetShareOfPgbench),
            new("0 seats oversold", check.Oversold.ToString(Invariant), check.Oversold == 0 && check.Mismatched == 0),
            new("0 responses 5xx", fiveHundreds.ToString(Invariant), fiveHundreds == 0),
            new($"p99 < {TargetP99Ms} ms at half the maximum rate", string.Create(Invariant, $"{halfPhase.LatencyMs.P99:0.#} ms at {halfRate:0.#}/s"),
                halfPhase.LatencyMs.P99 < TargetP99Ms),
        };
        var summary = string.Create(Invariant,
            $"training-bookings: hot session ({HotCapacity} seats, {Clients} clients): {hotPhase.Throughput:0.#} answers/s "
            + $"({hotPhase.Counters.GetValueOrDefault("held")} held, {hotPhase.Counters.GetValueOrDefault("full")} refused as full), {hotPhase.LatencyMs}; "
            + $"spread over {SpreadSessions} sessions: {spreadPhase.OkThroughput:0.#} holds/s, {spreadPhase.LatencyMs}; "
            + $"at half that rate ({halfRate:0.#}/s): {halfPhase.LatencyMs}; meanwhile {halfPauses.Line()}, {halfCompilation.Line()}, {OutsideTheSystem.Line(halfOutside)}, and {expiredMeanwhile} holds expired. Floor: pgbench -N {pgTps:0.#} TPS; "
            + $"spread bookings reach {share:P0} of it, the hot session {hotShare:P0}. "
            + $"Database after the run: {check.Oversold} seats oversold, {check.Mismatched} seat counters off; {fiveHundreds} responses 5xx.");
        return new ScenarioResult
        {
            Scenario = "training-bookings",
            Machine = machine,
            Started = started,
            Ended = DateTimeOffset.UtcNow,
            Parameters = new Dictionary<string, object?>
            {
                ["gateway"] = options.Gateway.ToString(), ["clients"] = Clients, ["durationSeconds"] = duration.TotalSeconds,
                ["warmupSeconds"] = options.Warmup.TotalSeconds, ["hotCapacity"] = HotCapacity, ["spreadSessions"] = SpreadSessions,
                ["spreadCapacity"] = SpreadCapacity, ["halfRate"] = Math.Round(halfRate, 1), ["peopleBooked"] = people.Length,
            },
            Requests = hotPhase.Requests + spreadPhase.Requests + halfPhase.Requests,
            Errors = errors,
            Throughput = spreadPhase.OkThroughput,
            LatencyMs = spreadPhase.LatencyMs,
            Counters = new Dictionary<string, object?>
            {
                ["oversoldSeats"] = check.Oversold, ["seatCountersOff"] = check.Mismatched, ["responses5xx"] = fiveHundreds,
                ["sessionsChecked"] = check.Sessions, ["seatsHeld"] = check.SeatsHeld,
                ["holdsExpiredAtHalfRate"] = expiredMeanwhile,
            },
            Floors = new()
            {
                ["pgbench"] = pgbench, ["machinePausesAtHalfRate"] = halfPauses, ["backgroundCompilationAtHalfRate"] = halfCompilation,
                ["outsideTheSystemAtHalfRate"] = halfOutside,
            },
            Details = new() { ["hotSession"] = hotPhase, ["spreadSessions"] = spreadPhase, ["spreadHalfRate"] = halfPhase },
            Targets = targets,
            Cpu = spreadPhase.Cpu,
            Summary = summary,
        };
    }

    private Guid[] people = [];

    private async Task<Outcome> BookAsync(Guid session, CancellationToken ct)
    {
        // One of the register's people: the bench's token is a confederation admin's, who may book anyone.
        var person = people[Random.Shared.Next(people.Length)];
        var body = $$"""{"attendees":[{"personId":"{{person}}","role":"Employee"}],"waitlistIfFull":false}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync($"{Prefix}/sessions/{session}/bookings", content, ct);
        await response.Content.ReadAsStringAsync(ct);
        return response.StatusCode switch
        {
            HttpStatusCode.Created => Outcome.Ok("held"),
            HttpStatusCode.Conflict => Outcome.Expected("full"),
            var status => Outcome.Status(status),
        };
    }

    /// <summary>
    /// Registers the cooperatives and hires their people through membership, as a delegate would, then waits until
    /// training has learnt every one of them from membership's events (its <c>people</c> table).
    /// </summary>
    private async Task<Guid[]> HirePeopleAsync(CancellationToken ct)
    {
        var factory = new CooperativeFactory("training");
        var cooperatives = new Guid[Cooperatives];
        for (var i = 0; i < Cooperatives; i++)
        {
            var (outcome, created) = await Requests.RegisterAsync(http, factory.Next(), ct);
            cooperatives[i] = created?.Id ?? throw new InvalidOperationException($"Registering a cooperative: {outcome}");
        }

        var hired = new Guid[Cooperatives * PeoplePerCooperative];
        var hiredOn = ParisCalendar.Today(TimeProvider.System).AddYears(-1);
        await Parallel.ForEachAsync(Enumerable.Range(0, hired.Length), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (i, token) => hired[i] = await CreateAsync($"/api/membership/cooperatives/{cooperatives[i % Cooperatives]}/people",
                $$"""{"givenName":"Camille","familyName":"Bench {{i}}","role":"employee","hiredOn":"{{hiredOn:yyyy-MM-dd}}"}""", token));

        await using var db = new NpgsqlConnection(TrainingDatabase);
        await db.OpenAsync(ct);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM people WHERE id = ANY(@ids)", db);
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", hired));
            var known = (long)(await command.ExecuteScalarAsync(ct))!;
            if (known == hired.Length)
            {
                return hired;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Training knows {known} of the {hired.Length} people hired after 2 minutes.");
            }

            await Task.Delay(200, ct);
        }
    }

    private async Task<Guid> CreateSessionAsync(Guid course, DateOnly startsOn, int capacity, CancellationToken ct) =>
        await CreateAsync($"{Prefix}/sessions",
            $$"""{"courseId":"{{course}}","startsOn":"{{startsOn:yyyy-MM-dd}}","regionalUnion":"urscop-bench","communeCode":"69123","capacity":{{capacity}},"priceCents":0,"status":"Open"}""",
            ct);

    private async Task<Guid> CreateAsync(string path, string json, CancellationToken ct)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(path, content, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {body}");
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>
    /// Holds that expired between two moments. Each expiry is work for the service (seats released, the waiting list
    /// asked), so holds of a run made one hold duration (15 min) earlier on the same system expire in a wave that
    /// competes with this run's requests; the count makes such a run visible.
    /// </summary>
    private async Task<long> HoldsExpiredBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(TrainingDatabase);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM bookings WHERE status = 'Expired' AND ended_at >= @from AND ended_at < @to", db);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("from", from));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("to", to));
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private string TrainingDatabase => new NpgsqlConnectionStringBuilder(options.Pg) { Database = "training" }.ConnectionString;

    /// <summary>Counts, in the training database itself, seats beyond capacity and counters that disagree with the bookings.</summary>
    private async Task<(long Sessions, long Oversold, long Mismatched, long SeatsHeld)> CheckDatabaseAsync(CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(TrainingDatabase);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            WITH active AS (
                SELECT s.id, s.capacity, s.seats_taken,
                       coalesce((SELECT sum(b.quantity) FROM bookings b
                                 WHERE b.session_id = s.id AND b.status IN ('Held', 'Confirmed')), 0) AS seats
                FROM sessions s)
            SELECT count(*), coalesce(sum(greatest(seats - capacity, 0)), 0)::bigint,
                   count(*) FILTER (WHERE seats <> seats_taken), coalesce(sum(seats), 0)::bigint
            FROM active
            """, db);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    private async Task<PhaseResult> Log(Task<PhaseResult> phase)
    {
        var result = await phase;
        progress.WriteLine($"[bench] {result.Line()}");
        return result;
    }
}
