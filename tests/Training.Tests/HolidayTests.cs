using Scop.Aspire.Training.Domain;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Training.Tests;

public sealed class HolidayTests
{
    [Theory]
    [InlineData(2019, "2019-04-21")]
    [InlineData(2024, "2024-03-31")]
    [InlineData(2025, "2025-04-20")]
    [InlineData(2026, "2026-04-05")]
    [InlineData(2027, "2027-03-28")]
    [InlineData(2038, "2038-04-25")]
    public void Easter_falls_on_the_published_date(int year, string easter) =>
        Assert.Equal(DateOnly.Parse(easter), FrenchHolidays.EasterSunday(year));

    [Theory]
    [InlineData(2024, "2024-04-01", "2024-05-09", "2024-05-20")]
    [InlineData(2025, "2025-04-21", "2025-05-29", "2025-06-09")]
    [InlineData(2026, "2026-04-06", "2026-05-14", "2026-05-25")]
    [InlineData(2027, "2027-03-29", "2027-05-06", "2027-05-17")]
    public void Easter_Monday_Ascension_and_Whit_Monday_follow_Easter(int year, string easterMonday, string ascension, string whitMonday)
    {
        var holidays = FrenchHolidays.Of(year).ToDictionary(h => h.Date, h => h.Name);
        Assert.Equal("Lundi de Pâques", holidays[DateOnly.Parse(easterMonday)]);
        Assert.Equal("Ascension", holidays[DateOnly.Parse(ascension)]);
        Assert.Equal("Lundi de Pentecôte", holidays[DateOnly.Parse(whitMonday)]);
    }

    [Theory]
    [InlineData(2025)]
    [InlineData(2026)]
    [InlineData(2030)]
    public void Every_year_has_eleven_national_holidays_with_the_fixed_ones(int year)
    {
        var days = FrenchHolidays.Of(year).Select(h => h.Date).ToHashSet();
        Assert.Equal(11, days.Count);
        foreach (var (month, day) in new[] { (1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25) })
        {
            Assert.Contains(new DateOnly(year, month, day), days);
        }
    }

    [Fact]
    public void Alsace_Moselle_adds_Good_Friday_and_St_Stephen()
    {
        Assert.True(FrenchHolidays.IsAlsaceMoselle("67482"));
        Assert.False(FrenchHolidays.IsAlsaceMoselle("69123"));
        Assert.True(FrenchHolidays.IsHoliday(new DateOnly(2026, 4, 3), alsaceMoselle: true));
        Assert.False(FrenchHolidays.IsHoliday(new DateOnly(2026, 4, 3)));
        Assert.True(FrenchHolidays.IsHoliday(new DateOnly(2026, 12, 26), alsaceMoselle: true));
        Assert.False(FrenchHolidays.IsHoliday(new DateOnly(2026, 12, 26)));
    }

    [Fact]
    public void An_ordinary_working_day_is_no_holiday()
    {
        Assert.False(FrenchHolidays.IsHoliday(new DateOnly(2026, 4, 7)));
        Assert.Empty(Session.HolidaysWithin(new DateOnly(2026, 6, 2), new DateOnly(2026, 6, 5), "69123"));
        Assert.Single(Session.HolidaysWithin(new DateOnly(2026, 5, 12), new DateOnly(2026, 5, 15), "69123")); // Ascension
    }
}
