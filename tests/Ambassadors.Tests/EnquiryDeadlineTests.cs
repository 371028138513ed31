using Scop.Aspire.Ambassadors.Tests.Support;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Ambassadors.Tests;

/// <summary>
/// An enquiry's first answer is due within 5 working days, French public holidays not counted; unanswered, a durable
/// timer escalates it to the union's delegates the day after, and 5 working days later to federation staff. An answered
/// enquiry's timers fire and do nothing. On the service's (fake) clock, across next year's Ascension and Whit Monday (the
/// clock starts at the hour the suite runs and only moves forward, so no fixed date stays ahead of it).
/// </summary>
[Collection(AmbassadorsServersCollection.Name)]
public sealed class EnquiryDeadlineTests(AmbassadorsServers servers, AmbassadorsAppPerClass perClass)
    : AmbassadorsTestBase(servers, perClass), IClassFixture<AmbassadorsAppPerClass>
{
    [Fact]
    public void Five_working_days_skip_weekends_and_public_holidays()
    {
        // Wednesday 5 May 2027, the eve of Ascension: Friday 7, Monday 10 … Thursday 13 (not Wednesday 12).
        Assert.Equal(new DateOnly(2027, 5, 13), FrenchHolidays.AddWorkingDays(new DateOnly(2027, 5, 5), 5));
        // Then Whit Monday (17 May) does not count either: Friday 21.
        Assert.Equal(new DateOnly(2027, 5, 21), FrenchHolidays.AddWorkingDays(new DateOnly(2027, 5, 13), 5));
        // A week without a holiday: Monday to Monday.
        Assert.Equal(new DateOnly(2027, 6, 14), FrenchHolidays.AddWorkingDays(new DateOnly(2027, 6, 7), 5));
        // From Thursday 25 March 2027: Friday 26, (Easter Monday 29 skipped) Tuesday 30 … Friday 2 April; Alsace-Moselle
        // also keeps Good Friday (26 March): Monday 5 April there.
        Assert.Equal(new DateOnly(2027, 4, 2), FrenchHolidays.AddWorkingDays(new DateOnly(2027, 3, 25), 5));
        Assert.Equal(new DateOnly(2027, 4, 5), FrenchHolidays.AddWorkingDays(new DateOnly(2027, 3, 25), 5, alsaceMoselle: true));
    }

    [Fact]
    public async Task A_late_enquiry_goes_to_the_union_then_to_federation_staff_and_an_answered_one_stays_put()
    {
        var (_, ambassade) = await App.LabelledAsync(Client);
        // The eve of next year's Ascension (a Wednesday), 10:00 in Paris. The working-day arithmetic across these
        // holidays is pinned by the test above; this one follows the timers along it.
        var eve = FrenchHolidays.EasterSunday(App.Today.Year + 1).AddDays(38);
        var dueOn = FrenchHolidays.AddWorkingDays(eve, 5);
        var federationDueOn = FrenchHolidays.AddWorkingDays(dueOn, 5);
        Assert.True(FrenchHolidays.IsHoliday(eve.AddDays(1)) && dueOn.DayNumber - eve.DayNumber >= 8,
            "the answer is due after Ascension and the following weekend");
        App.Advance(ParisCalendar.StartOf(eve).AddHours(10) - App.Time.GetUtcNow());
        var (late, _) = await App.SendEnquiryAsync(ambassade, "Projet resté sans réponse.");
        var (answered, _) = await App.SendEnquiryAsync(ambassade, "Projet auquel l'Ambassade répond.");
        var read = await (await Client.GetAsync($"/api/ambassadors/enquiries/{late}")).ExpectAsync(200);
        Assert.Equal(dueOn.ToString("yyyy-MM-dd"), read.GetProperty("dueOn").GetString());
        await (await EnquiryTests.AnswerAsync(Client, answered, "Rendez-vous pris.")).ExpectAsync(200);

        // The due day, late evening: the last day for the answer is not over.
        App.Advance(ParisCalendar.StartOf(dueOn.AddDays(1)) - TimeSpan.FromMinutes(5) - App.Time.GetUtcNow());
        await Task.Delay(300);
        Assert.Equal(0, await EscalationsAsync(late));

        // The day after: the union's delegates are told.
        App.Advance(TimeSpan.FromMinutes(10));
        await AmbassadorsApp.WaitUntilAsync(async () => await EscalationsAsync(late, "Union") == 1, "the late enquiry went to the union");
        read = await (await Client.GetAsync($"/api/ambassadors/enquiries/{late}")).ExpectAsync(200);
        Assert.True(read.GetProperty("late").GetBoolean());
        Assert.True(read.TryGetProperty("escalatedToUnionAt", out _));
        Assert.Equal(0, await EscalationsAsync(late, "Federation"));

        // Five working days later (Whit Monday skipped), late evening: not yet federation staff.
        App.Advance(ParisCalendar.StartOf(federationDueOn.AddDays(1)) - TimeSpan.FromMinutes(5) - App.Time.GetUtcNow());
        await Task.Delay(300);
        Assert.Equal(0, await EscalationsAsync(late, "Federation"));

        // The day after: federation staff are told.
        App.Advance(TimeSpan.FromMinutes(10));
        await AmbassadorsApp.WaitUntilAsync(async () => await EscalationsAsync(late, "Federation") == 1, "the late enquiry went to federation staff");

        // The answered enquiry's two timers fired too, and did nothing.
        await AmbassadorsApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM inbox_messages WHERE consumer LIKE '%EnquiryDeadlineConsumer'") == 4, "all four timers fired");
        Assert.Equal(0, await EscalationsAsync(answered));
        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM enquiries WHERE id = @id AND escalated_to_union_at IS NULL AND escalated_to_federation_at IS NULL",
            ("id", answered)));
    }

    private Task<long> EscalationsAsync(Guid enquiry, string? level = null) => App.ScalarAsync(
        "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%EnquiryEscalated,%' AND body->>'enquiryId' = @id AND (@level = '' OR body->>'level' = @level)",
        ("id", enquiry.ToString()), ("level", level ?? ""));
}
