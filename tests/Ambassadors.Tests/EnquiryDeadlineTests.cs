using Scop.Aspire.Ambassadors.Tests.Support;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Ambassadors.Tests;

/// <summary>
/// An enquiry's first answer is due within 5 working days, French public holidays not counted; unanswered, a durable
/// timer escalates it to the union's delegates the day after, and 5 working days later to federation staff. An answered
/// enquiry's timers fire and do nothing. On the service's (fake) clock, across Ascension and Whit Monday 2027.
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
        // Wednesday 5 May 2027, 10:00 in Paris, the eve of Ascension.
        App.Advance(new DateTimeOffset(2027, 5, 5, 8, 0, 0, TimeSpan.Zero) - App.Time.GetUtcNow());
        var (late, _) = await App.SendEnquiryAsync(ambassade, "Projet resté sans réponse.");
        var (answered, _) = await App.SendEnquiryAsync(ambassade, "Projet auquel l'Ambassade répond.");
        var read = await (await Client.GetAsync($"/api/ambassadors/enquiries/{late}")).ExpectAsync(200);
        Assert.Equal("2027-05-13", read.GetProperty("dueOn").GetString());
        await (await EnquiryTests.AnswerAsync(Client, answered, "Rendez-vous pris.")).ExpectAsync(200);

        // Thursday 13 May, late evening: the last day for the answer is not over.
        App.Advance(ParisCalendar.StartOf(new DateOnly(2027, 5, 14)) - TimeSpan.FromMinutes(5) - App.Time.GetUtcNow());
        await Task.Delay(300);
        Assert.Equal(0, await EscalationsAsync(late));

        // Friday 14 May: the union's delegates are told.
        App.Advance(TimeSpan.FromMinutes(10));
        await AmbassadorsApp.WaitUntilAsync(async () => await EscalationsAsync(late, "Union") == 1, "the late enquiry went to the union");
        read = await (await Client.GetAsync($"/api/ambassadors/enquiries/{late}")).ExpectAsync(200);
        Assert.True(read.GetProperty("late").GetBoolean());
        Assert.True(read.TryGetProperty("escalatedToUnionAt", out _));
        Assert.Equal(0, await EscalationsAsync(late, "Federation"));

        // Friday 21 May (Whit Monday skipped), late evening: not yet federation staff.
        App.Advance(ParisCalendar.StartOf(new DateOnly(2027, 5, 22)) - TimeSpan.FromMinutes(5) - App.Time.GetUtcNow());
        await Task.Delay(300);
        Assert.Equal(0, await EscalationsAsync(late, "Federation"));

        // Saturday 22 May: federation staff are told.
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
