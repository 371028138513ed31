using System.Globalization;
using System.Text.Json.Nodes;
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
            .Set("bookedBy", Guid.NewGuid())
            .Set("waitlistIfFull", JsonValue.Create(true))
            .Set("requestFunding", JsonValue.Create(false))
            .Set("cooperativeHeadcount", ExampleValues.Omitted)
            .Set("present", JsonValue.Create(true))
            .Set("budgetCents", JsonValue.Create(5_000_000))
            .Set("year", JsonValue.Create(year))
            .Set("personId", Guid.NewGuid());

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
            var person = Guid.NewGuid();
            var booking = await context.PostAsync($"/api/training/sessions/{session}/bookings", new
            {
                attendees = new[] { new { personId = person, role = "Employee" } }, regionalUnion = "urscop-aura",
            });
            return (booking.GetProperty("id").GetGuid(), person);
        }

        var session = await SessionAsync(50);
        var (booking, attendee) = await HoldAsync(session);
        var full = await SessionAsync(1);
        await HoldAsync(full);
        var waiting = await context.PostAsync($"/api/training/sessions/{full}/bookings", new
        {
            attendees = new[] { new { personId = Guid.NewGuid(), role = "Employee" } }, regionalUnion = "urscop-aura", waitlistIfFull = true,
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

    /// <summary>A weekday at least <paramref name="daysAhead"/> days ahead that is no French public holiday.</summary>
    private static DateOnly WorkingDay(int daysAhead)
    {
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(daysAhead);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || FrenchHolidays.IsHoliday(day))
        {
            day = day.AddDays(1);
        }

        return day;
    }
}
