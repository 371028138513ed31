using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.Ambassadors.Tests.Support;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Ambassadors.Tests;

/// <summary>
/// The targets as anyone reads them: labels in force at the end of each month by région against 200 and against 12 % of
/// the current member cooperatives, clubs open against 50, and enquiries answered in time — from the labels' steps and the enquiries as they
/// happened over a few months of the service's clock.
/// </summary>
[Collection(AmbassadorsServersCollection.Name)]
public sealed class AmbassadorTargetsTests(AmbassadorsServers servers, AmbassadorsAppPerClass perClass)
    : AmbassadorsTestBase(servers, perClass), IClassFixture<AmbassadorsAppPerClass>
{
    [Fact]
    public async Task Labels_month_by_month_and_enquiries_answered_in_time_follow_what_happened()
    {
        var (startYear, startMonth) = (App.Today.Year, App.Today.Month);
        var year = startYear + 1;
        void MoveTo(int month, int day) =>
            App.Advance(ParisCalendar.StartOf(new DateOnly(year, month, day)).AddHours(10) - App.Time.GetUtcNow());

        // This year: an Ambassade in Lyon (Auvergne-Rhône-Alpes, 84), and a club of the Métropole de Lyon.
        var (_, lyon) = await App.LabelledAsync(Client);
        await AmbassadorsApp.OpenClubAsync(Client, "200046977", await App.QualifiedAnimatorAsync());
        // January next year: one in Rennes (Bretagne, 53); an enquiry to Lyon's, answered a month later: late.
        MoveTo(1, 14);
        var (_, rennes) = await App.LabelledAsync(Client, AmbassadorsApp.Ouest);
        var late = await App.SendEnquiryAsync(lyon);
        var rennesClub = await AmbassadorsApp.OpenClubAsync(Client, "243500139", await App.QualifiedAnimatorAsync());
        // February: Lyon's label is suspended; two enquiries to Rennes', one answered the same day, one never.
        MoveTo(2, 15);
        // Both deadlines fall due at once when the clock jumps, and their timers may be handled in either order: the
        // answer below reads the enquiry's version, which either escalation changes.
        await AmbassadorsApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM enquiries WHERE id = @id AND escalated_to_union_at IS NOT NULL AND escalated_to_federation_at IS NOT NULL",
            ("id", late.Id)) == 1,
            "the late enquiry escalated to the union, then to the federation");
        await (await EnquiryTests.AnswerAsync(Client, late.Id, "Rappelé, désolé du délai.")).ExpectAsync(200);
        await (await AmbassadorsApp.StepAsync(Client, lyon, "suspend", new { reason = "Locaux en travaux." })).ExpectAsync(200);
        using (var close = new HttpRequestMessage(HttpMethod.Post, $"/api/ambassadors/clubs/{rennesClub}/close")
               { Content = JsonContent.Create(new { reason = "Plus d'animateur disponible." }) })
        {
            close.Headers.TryAddWithoutValidation("If-Match", "*");
            await (await Client.SendAsync(close)).ExpectAsync(200);
        }

        var onTime = await App.SendEnquiryAsync(rennes);
        await (await EnquiryTests.AnswerAsync(Client, onTime.Id, "Rendez-vous pris pour jeudi.")).ExpectAsync(200);
        await App.SendEnquiryAsync(rennes);
        // The end of March: the unanswered one is long overdue.
        MoveTo(3, 30);

        var figures = await TargetsAsync($"{year}");
        Assert.Equal(year, figures.GetProperty("year").GetInt32());
        var ambassades = figures.GetProperty("ambassades");
        Assert.Equal(200, ambassades.GetProperty("target").GetInt32());
        Assert.Equal(1, ambassades.GetProperty("labelled").GetInt64()); // Rennes; Lyon's is suspended
        Assert.Equal([2, 1, 1, null, null, null, null, null, null, null, null, null], Months(ambassades));
        Assert.Equal(1, ambassades.GetProperty("byRegion").GetProperty("53").GetInt64());
        Assert.False(ambassades.GetProperty("byRegion").TryGetProperty("84", out _));
        // Two member cooperatives (both dues paid): 12 % of them is one Ambassade.
        Assert.Equal(12, ambassades.GetProperty("sharePercent").GetInt32());
        Assert.Equal(2, ambassades.GetProperty("memberCooperatives").GetInt64());
        Assert.Equal(1, ambassades.GetProperty("shareTarget").GetInt64());

        // Clubs: Lyon's all along, Rennes' from January until closed in February.
        var clubs = figures.GetProperty("clubs");
        Assert.Equal(50, clubs.GetProperty("target").GetInt32());
        Assert.Equal(1, clubs.GetProperty("open").GetInt64());
        Assert.Equal(0, clubs.GetProperty("dormant").GetInt64());
        Assert.Equal([2, 1, 1, null, null, null, null, null, null, null, null, null], Months(clubs));
        Assert.Equal(1, clubs.GetProperty("byRegion").GetProperty("84").GetInt64());
        Assert.False(clubs.GetProperty("byRegion").TryGetProperty("53", out _));

        var enquiries = figures.GetProperty("enquiries");
        var whole = enquiries.GetProperty("year");
        Assert.Equal(3, whole.GetProperty("received").GetInt64());
        Assert.Equal(1, whole.GetProperty("answeredOnTime").GetInt64());
        Assert.Equal(1, whole.GetProperty("answeredLate").GetInt64());
        Assert.Equal(1, whole.GetProperty("overdue").GetInt64());
        Assert.Equal(0, whole.GetProperty("pending").GetInt64());
        Assert.Equal(33.3, whole.GetProperty("onTimePercent").GetDouble());
        var months = enquiries.GetProperty("byMonth").EnumerateArray().ToList();
        Assert.Equal([1, 2, 0], months.Take(3).Select(m => m.GetProperty("received").GetInt64()));
        Assert.Equal(1, months[0].GetProperty("answeredLate").GetInt64());
        Assert.Equal(50.0, months[1].GetProperty("onTimePercent").GetDouble()); // one on time, one overdue
        Assert.False(months[2].TryGetProperty("onTimePercent", out _)); // nothing due, nothing answered: no share (nulls are left out)
        Assert.Equal(1, enquiries.GetProperty("byRegion").GetProperty("84").GetProperty("received").GetInt64());
        Assert.Equal(2, enquiries.GetProperty("byRegion").GetProperty("53").GetProperty("received").GetInt64());

        // One région: Auvergne-Rhône-Alpes has no Ambassade in force since February, and one member cooperative.
        var aura = (await TargetsAsync($"{year}?region=84")).GetProperty("ambassades");
        Assert.Equal(0, aura.GetProperty("labelled").GetInt64());
        Assert.Equal([1, 0, 0, null, null, null, null, null, null, null, null, null], Months(aura));
        Assert.Equal(1, aura.GetProperty("memberCooperatives").GetInt64());

        // The year before, all past: Lyon's label from its month on.
        var before = (await TargetsAsync($"{startYear}")).GetProperty("ambassades");
        Assert.Equal(1, before.GetProperty("labelled").GetInt64());
        Assert.Equal(Enumerable.Range(1, 12).Select(m => (long?)(m < startMonth ? 0 : 1)), Months(before));
    }

    [Theory]
    [InlineData("1999", "year")]
    [InlineData("2026?region=99", "region")]
    public async Task A_year_out_of_range_or_an_unknown_region_is_a_400_naming_it(string query, string field) =>
        await (await Public.GetAsync($"/api/ambassadors/targets/{query}")).ExpectInvalidAsync(field);

    private async Task<JsonElement> TargetsAsync(string query) =>
        await (await Public.GetAsync($"/api/ambassadors/targets/{query}")).ExpectAsync(200);

    private static long?[] Months(JsonElement figures) => figures.GetProperty("byMonth").EnumerateArray()
        .Select(m => m.ValueKind == JsonValueKind.Null ? (long?)null : m.GetInt64()).ToArray();
}
