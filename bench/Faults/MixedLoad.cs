using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Scop.Aspire.Bench.Faults;

public enum WriteKind
{
    Registration,
    Hire,
    Booking,
    Enrolment,
    Confirmation,
}

/// <summary>One attempt of a write: when it was sent, how long it took, and what came back (a status, or an exception's type).</summary>
public sealed record WriteAttempt(DateTimeOffset At, double Milliseconds, string Outcome)
{
    public bool Succeeded => Outcome.StartsWith('2');
}

/// <summary>
/// One write as a careful client makes it: one <c>Idempotency-Key</c> for all its attempts, sent again after a failure
/// (5xx, a 429, no answer) until it gets an answer that settles it or gives up. Its tag names it in the register.
/// </summary>
public sealed class Write(WriteKind kind, string tag, string path, string body, Guid? subject = null, Guid? session = null)
{
    public WriteKind Kind { get; } = kind;
    public string Tag { get; } = tag;
    public string Path { get; } = path;
    public string Body { get; } = body;
    public string Key { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The person a booking or an enrolment is for.</summary>
    public Guid? Subject { get; } = subject;

    public Guid? Session { get; } = session;

    private readonly List<WriteAttempt> attempts = [];

    /// <summary>Its attempts so far (a copy: the load adds to them while a report reads them).</summary>
    public IReadOnlyList<WriteAttempt> Attempts
    {
        get
        {
            lock (attempts)
            {
                return [.. attempts];
            }
        }
    }

    public void Add(WriteAttempt attempt)
    {
        lock (attempts)
        {
            attempts.Add(attempt);
        }
    }

    /// <summary>The record the 2xx answer created (from its <c>id</c>).</summary>
    public Guid? CreatedId { get; set; }

    /// <summary>The status that settled it: a 2xx, or a refusal (4xx other than 401 and 429).</summary>
    public int? Settled { get; set; }

    public bool Replayed { get; set; }

    public bool Succeeded => Settled is >= 200 and < 300;

    public bool Refused => Settled is >= 400;

    /// <summary>Never settled: every attempt failed until the client gave up (it may still have been written).</summary>
    public bool Unanswered => Settled is null;

    public DateTimeOffset FirstSentAt => Attempts is [var first, ..] ? first.At : DateTimeOffset.MinValue;

    /// <summary>From the first attempt to the answer that settled it (or to the last attempt).</summary>
    public double StallMilliseconds => Attempts is [var first, .., var last] ? (last.At - first.At).TotalMilliseconds + last.Milliseconds
        : Attempts is [var only] ? only.Milliseconds : 0;
}

/// <summary>The load's settings.</summary>
public sealed record LoadSettings
{
    /// <summary>Writes started per second, whatever the answers (open loop).</summary>
    public double Rate { get; init; } = 20;

    /// <summary>Writes in flight at most; past it a due write is not started (counted as skipped).</summary>
    public int MaxInFlight { get; init; } = 400;

    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A write still failing this long after its first attempt is given up.</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromMinutes(3);
}

/// <summary>
/// A steady mixed load through the gateway: cooperatives registered, people hired into them, seats booked for the
/// register's people, half of those holds confirmed, SCOP AGIR card enrolments (each a webhook to the bank) — in turn at a
/// fixed rate. Every
/// write is kept with all its attempts, for the reconciliation and for what clients saw during each fault.
/// </summary>
public sealed class MixedLoad(HttpClient gateway, RunData data, LoadSettings settings)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly WriteKind[] Turns =
        [WriteKind.Registration, WriteKind.Hire, WriteKind.Booking, WriteKind.Enrolment, WriteKind.Hire, WriteKind.Booking, WriteKind.Confirmation];

    private readonly ConcurrentBag<Write> writes = [];
    private readonly ConcurrentBag<Task> started = [];
    private int inFlight;
    private long skipped;
    private long sequence;

    public IReadOnlyCollection<Write> Writes => writes;

    public long Skipped => Interlocked.Read(ref skipped);

    /// <summary>Starts writes at the rate until <paramref name="stop"/> is cancelled, then waits for those in flight.</summary>
    public async Task RunAsync(CancellationToken stop, CancellationToken ct)
    {
        var interval = TimeSpan.FromSeconds(1 / settings.Rate);
        var clock = Stopwatch.StartNew();
        long n = 0;
        while (!stop.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            var due = interval * n++;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            if (Volatile.Read(ref inFlight) >= settings.MaxInFlight || Next() is not { } write)
            {
                Interlocked.Increment(ref skipped);
                continue;
            }

            writes.Add(write);
            Interlocked.Increment(ref inFlight);
            started.Add(Task.Run(async () =>
            {
                try
                {
                    await SendAsync(write, ct);
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }
            }, CancellationToken.None));
        }

        await Task.WhenAll(started);
    }

    /// <summary>The next write in turn; one whose subject is not there yet (no hired person left to enrol) gives way.</summary>
    private Write? Next()
    {
        var n = Interlocked.Increment(ref sequence);
        for (var i = 0; i < Turns.Length; i++)
        {
            var write = Turns[(n + i) % Turns.Length] switch
            {
                WriteKind.Registration => data.Registration(n),
                WriteKind.Hire => data.Hire(n),
                WriteKind.Booking => data.Booking(),
                WriteKind.Confirmation => data.Confirmation(),
                _ => data.Enrolment(),
            };
            if (write is not null)
            {
                return write;
            }
        }

        return null;
    }

    private async Task SendAsync(Write write, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!ct.IsCancellationRequested)
        {
            var at = DateTimeOffset.UtcNow;
            var timestamp = Stopwatch.GetTimestamp();
            string outcome;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(settings.AttemptTimeout);
                using var request = new HttpRequestMessage(HttpMethod.Post, write.Path)
                {
                    Content = new StringContent(write.Body, Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("Idempotency-Key", write.Key);
                using var response = await gateway.SendAsync(request, timeout.Token);
                var body = await response.Content.ReadAsStringAsync(timeout.Token);
                var status = (int)response.StatusCode;
                outcome = status.ToString(Invariant);
                if (status is >= 200 and < 300)
                {
                    write.CreatedId = CreatedId(body);
                    write.Replayed = response.Headers.Contains("Idempotent-Replayed");
                    write.Settled = status;
                }
                else if (status is >= 400 and < 500 and not 401 and not 429 and not 408)
                {
                    write.Settled = status;
                    outcome = $"{status} {Title(body)}";
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or TokenException or IOException)
            {
                outcome = $"exception: {e.GetType().Name}";
            }

            write.Add(new WriteAttempt(at, HttpLoad.Milliseconds(timestamp, Stopwatch.GetTimestamp()), outcome));
            if (write.Settled is not null || DateTimeOffset.UtcNow - started > settings.GiveUpAfter)
            {
                data.Done(write);
                return;
            }

            try
            {
                await Task.Delay(backoff, ct);
            }
            catch (OperationCanceledException)
            {
                data.Done(write);
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        }
    }

    private static Guid? CreatedId(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("id", out var id) && id.TryGetGuid(out var guid) ? guid : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Title(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("title", out var title) ? title.GetString() ?? "" : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}

/// <summary>
/// What one run writes and with what: its tag (in every cooperative's and person's name), the cooperatives the people
/// are hired into, the sessions and people the bookings take (a person and a session in turn: one booking of theirs at a
/// time, booked again once it is answered), every other hold to confirm, the people hired during the run, each enrolled once.
/// </summary>
public sealed class RunData(string tag, IReadOnlyList<Guid> cooperatives, IReadOnlyList<Guid> sessions, IReadOnlyList<Guid> people)
{
    public const string Benefit = "scop-agir-card";
    private readonly ConcurrentQueue<(Guid Person, Guid Session)> bookable = new(
        people.SelectMany(p => sessions.Select(s => (p, s))).OrderBy(_ => Random.Shared.Next()));
    private readonly ConcurrentQueue<Guid> hiredToEnrol = new();
    private readonly ConcurrentQueue<Guid> heldToConfirm = new();
    private long held;
    private readonly CooperativeFactory factory = new(tag);

    public string Tag => tag;

    public IReadOnlyList<Guid> Sessions => sessions;

    public IReadOnlyList<Guid> People => people;

    public Write Registration(long n)
    {
        var registration = factory.Next();
        var body = JsonSerializer.Serialize(new
        {
            name = $"Faults {tag} {n}",
            siren = registration.Siren,
            legalForm = "SCOP",
            communeCode = "69123",
            nafCode = "62.01Z",
        });
        return new Write(WriteKind.Registration, $"Faults {tag} {n}", "/api/membership/cooperatives", body);
    }

    public Write Hire(long n)
    {
        var family = $"Faults {tag} {n}";
        var body = JsonSerializer.Serialize(new
        {
            givenName = "Camille",
            familyName = family,
            email = $"camille.{tag}.{n}@example.coop",
            role = "worker-member",
            hiredOn = "2025-09-01",
        });
        return new Write(WriteKind.Hire, family, $"/api/membership/cooperatives/{cooperatives[(int)(n % cooperatives.Count)]}/people", body);
    }

    public Write? Booking() =>
        bookable.TryDequeue(out var pair)
            ? new Write(WriteKind.Booking, "", $"/api/training/sessions/{pair.Session}/bookings",
                JsonSerializer.Serialize(new { attendees = new[] { new { personId = pair.Person, role = "Employee" } }, waitlistIfFull = false }),
                pair.Person, pair.Session)
            : null;

    public Write? Enrolment() =>
        hiredToEnrol.TryDequeue(out var person)
            ? new Write(WriteKind.Enrolment, "", $"/api/membership/people/{person}/benefit-enrolments",
                JsonSerializer.Serialize(new { benefitCode = Benefit, consentedFields = new[] { "givenName", "familyName", "email" } }),
                person)
            : null;

    public Write? Confirmation() =>
        heldToConfirm.TryDequeue(out var booking)
            ? new Write(WriteKind.Confirmation, "", $"/api/training/bookings/{booking}/confirm", "{}", subject: booking)
            : null;

    /// <summary>A write answered (or given up): what it made may be written on, and its person and session booked again.</summary>
    public void Done(Write write)
    {
        switch (write)
        {
            case { Succeeded: true, Kind: WriteKind.Hire, CreatedId: { } person }:
                hiredToEnrol.Enqueue(person);
                break;
            case { Succeeded: true, Kind: WriteKind.Booking, CreatedId: { } booking } when Interlocked.Increment(ref held) % 2 == 0:
                heldToConfirm.Enqueue(booking);
                break;
        }

        if (write is { Kind: WriteKind.Booking, Subject: { } attendee, Session: { } session })
        {
            bookable.Enqueue((attendee, session));
        }
    }
}
