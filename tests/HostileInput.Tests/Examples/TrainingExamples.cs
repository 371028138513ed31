using System.Globalization;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.HostileInput.Tests.Contract;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Training.Domain;

namespace Scop.Aspire.HostileInput.Tests.Examples;

/// <summary>
/// The booking centre: a course, open sessions in Lyon on working days, a held booking, a full session with a waiting
/// list. Each status change (open, close, held, cancel) and the booking's cancellation get records of their own.
/// </summary>
public sealed class TrainingExamples : ServiceExamples
{
    public override string Service => ResourceNames.Training;

    public override async Task SetUpAsync(ServiceContext context, ExampleValues examples)
    {
        var day = WorkingDay(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var year = DateTime.UtcNow.Year;
        var people = await HireAsync(context, 60);
        examples
            .Set("title", () => JsonValue.Create($"Coopérer au quotidien {Guid.NewGuid():N}"[..40]))
            .Set("description", JsonValue.Create("Les principes coopératifs appliqués à l'entreprise."))
            .Set("CreateCourse.path", JsonValue.Create("Cooperative"))
            .Set("audience", JsonValue.Create("Everyone"))
            .Set("durationHours", JsonValue.Create(7))
            .Set("prerequisites", new JsonArray())
            .Set("startsOn", JsonValue.Create(day))
            .Set("endsOn", JsonValue.Create(day))
            .Set("remote", JsonValue.Create(false))
            .Set("capacity", JsonValue.Create(20))
            .Set("priceCents", JsonValue.Create(0))
            .Set("CreateSession.status", JsonValue.Create("Open"))
            .Set("CreateBooking.role", JsonValue.Create("Employee"))
            .Set("waitlistIfFull", JsonValue.Create(true))
            .Set("requestFunding", JsonValue.Create(false))
            .Set("present", JsonValue.Create(true))
            .Set("budgetCents", JsonValue.Create(5_000_000))
            .Set("year", JsonValue.Create(year))
            .Set("personId", () => JsonValue.Create(people.Next().ToString()));

        await context.SendAsync(HttpMethod.Put, $"/api/training/funds/{year}", new { budgetCents = 5_000_000 });
        var course = (await context.PostAsync("/api/training/courses", new
        {
            title = "Coopérer au quotidien", path = "Cooperative", audience = "Everyone", durationHours = 7,
        })).GetProperty("id").GetGuid();
        async Task<Guid> SessionAsync(int capacity, string status = "Open") => (await context.PostAsync("/api/training/sessions", new
        {
            courseId = course, startsOn = day, regionalUnion = "urscop-aura", communeCode = "69123", capacity, priceCents = 0, status,
        })).GetProperty("id").GetGuid();
        async Task<(Guid Booking, Guid Person)> HoldAsync(Guid session)
        {
            var person = people.Next();
            var booking = await context.PostAsync($"/api/training/sessions/{session}/bookings", new
            {
                attendees = new[] { new { personId = person, role = "Employee" } },
            });
            return (booking.GetProperty("id").GetGuid(), person);
        }

        var session = await SessionAsync(50);
        var (booking, attendee) = await HoldAsync(session);
        var full = await SessionAsync(1);
        await HoldAsync(full);
        var waiting = await context.PostAsync($"/api/training/sessions/{full}/bookings", new
        {
            attendees = new[] { new { personId = people.Next(), role = "Employee" } }, waitlistIfFull = true,
        });

        examples
            .Set("courses.id", course)
            .Set("courseId", course)
            .Set("sessions.id", session)
            .Set("sessionId", session)
            .Set("POST /api/training/sessions/{id}/open.id", await SessionAsync(10, "Draft"))
            .Set("POST /api/training/sessions/{id}/close.id", await SessionAsync(10))
            .Set("POST /api/training/sessions/{id}/held.id", await SessionAsync(10))
            .Set("POST /api/training/sessions/{id}/cancel.id", await SessionAsync(10))
            .Set("bookings.id", booking)
            .Set("attendees.personId", attendee)
            .Set("CancelBooking.id", (await HoldAsync(session)).Booking)
            .Set("waitlist.id", waiting.GetProperty("id").GetGuid())
            .Set("token", JsonValue.Create(waiting.GetProperty("leaveLink").GetString()!.Split('/')[^1]));
    }

    /// <summary>
    /// People of a cooperative of Auvergne-Rhône-Alpes, made known to the service as the membership register does: by
    /// its events (<c>CooperativeJoined</c>, then <c>PersonHired</c> each) through the broker. Handed out in turn, so
    /// that each booking holds a seat for someone not booked yet.
    /// </summary>
    private static async Task<People> HireAsync(ServiceContext context, int count)
    {
        var bus = context.Service.Services.GetRequiredService<IBus>();
        var now = DateTimeOffset.UtcNow;
        var cooperative = Guid.CreateVersion7();
        var joined = new CooperativeJoined(Guid.NewGuid(), now, cooperative, "Coopérative des Tisserands", Sirens.Next(), "SCOP",
            "69123", "13.20Z", "urscop-aura", 12);
        await bus.Publish(joined, c => c.MessageId = joined.EventId);
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToArray();
        foreach (var id in ids)
        {
            var hired = new PersonHired(Guid.NewGuid(), now, id, cooperative, "urscop-aura", ParisCalendar.DateOf(now).AddYears(-1));
            await bus.Publish(hired, c => c.MessageId = hired.EventId);
        }

        await using var connection = new NpgsqlConnection(context.Service.DatabaseConnectionString);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow + ServiceContext.Patience;
        while (true)
        {
            await using var known = new NpgsqlCommand("SELECT count(*) FROM people WHERE id = ANY(@ids)", connection);
            known.Parameters.AddWithValue("ids", ids);
            if ((long)(await known.ExecuteScalarAsync())! == count)
            {
                return new People(ids);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"training did not learn the {count} people hired within {ServiceContext.Patience.TotalSeconds} s");
            }

            await Task.Delay(100);
        }
    }

    private sealed class People(Guid[] ids)
    {
        private int next = -1;

        public Guid Next() => ids[Interlocked.Increment(ref next) % ids.Length];
    }

    /// <summary>A weekday at least <paramref name="daysAhead"/> days ahead that is no French public holiday.</summary>
    private static DateOnly WorkingDay(int daysAhead) => FrenchHolidays.WorkingDayFrom(ParisCalendar.Today(TimeProvider.System).AddDays(daysAhead));
}
