namespace Scop.Aspire.ServiceDefaults;

/// <summary>
/// French public holidays (jours fériés, Code du travail L3133-1), computed: the fixed ones, and those that follow
/// Easter — Easter Monday, Ascension (Easter + 39 days) and Whit Monday (Easter + 50 days). In Alsace-Moselle
/// (départements 57, 67 and 68) Good Friday and St Stephen's Day (26 December) are public holidays too.
/// </summary>
public static class FrenchHolidays
{
    public static DateOnly EasterSunday(int year)
    {
        // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = (19 * a + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + 2 * e + 2 * i - h - k) % 7;
        var m = (a + 11 * h + 22 * l) / 451;
        var month = (h + l - 7 * m + 114) / 31;
        var day = (h + l - 7 * m + 114) % 31 + 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>The public holidays of <paramref name="year"/> with their French names, in date order.</summary>
    public static IReadOnlyList<(DateOnly Date, string Name)> Of(int year, bool alsaceMoselle = false)
    {
        var easter = EasterSunday(year);
        var days = new List<(DateOnly, string)>
        {
            (new DateOnly(year, 1, 1), "Jour de l'an"),
            (easter.AddDays(1), "Lundi de Pâques"),
            (new DateOnly(year, 5, 1), "Fête du Travail"),
            (new DateOnly(year, 5, 8), "Victoire 1945"),
            (easter.AddDays(39), "Ascension"),
            (easter.AddDays(50), "Lundi de Pentecôte"),
            (new DateOnly(year, 7, 14), "Fête nationale"),
            (new DateOnly(year, 8, 15), "Assomption"),
            (new DateOnly(year, 11, 1), "Toussaint"),
            (new DateOnly(year, 11, 11), "Armistice 1918"),
            (new DateOnly(year, 12, 25), "Noël"),
        };
        if (alsaceMoselle)
        {
            days.Add((easter.AddDays(-2), "Vendredi saint"));
            days.Add((new DateOnly(year, 12, 26), "Saint-Étienne"));
        }

        return days.OrderBy(d => d.Item1).ToList();
    }

    public static bool IsHoliday(DateOnly date, bool alsaceMoselle = false) =>
        HolidayName(date, alsaceMoselle) is not null;

    public static string? HolidayName(DateOnly date, bool alsaceMoselle = false)
    {
        foreach (var (day, name) in Of(date.Year, alsaceMoselle))
        {
            if (day == date)
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>
    /// <paramref name="day"/>, or the first day after it that is a weekday and no public holiday anywhere in France
    /// (Alsace-Moselle's included): a day any regional union may hold a session on.
    /// </summary>
    public static DateOnly WorkingDayFrom(DateOnly day)
    {
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || IsHoliday(day, alsaceMoselle: true))
        {
            day = day.AddDays(1);
        }

        return day;
    }

    /// <summary>
    /// The <paramref name="count"/>th working day after <paramref name="from"/> (which itself does not count): weekdays
    /// that are no public holiday at the place (<paramref name="alsaceMoselle"/> adds its two). A deadline "within five
    /// working days" of a Wednesday before Ascension ends on the next Thursday, not the Wednesday.
    /// </summary>
    public static DateOnly AddWorkingDays(DateOnly from, int count, bool alsaceMoselle = false)
    {
        var day = from;
        while (count > 0)
        {
            day = day.AddDays(1);
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !IsHoliday(day, alsaceMoselle))
            {
                count--;
            }
        }

        return day;
    }

    /// <summary>The commune is in Moselle, Bas-Rhin or Haut-Rhin, where local law adds two holidays.</summary>
    public static bool IsAlsaceMoselle(string? communeCode) =>
        communeCode is { Length: 5 } code && (code.StartsWith("57", StringComparison.Ordinal)
            || code.StartsWith("67", StringComparison.Ordinal) || code.StartsWith("68", StringComparison.Ordinal));
}
