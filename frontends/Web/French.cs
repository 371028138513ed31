using System.Globalization;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Web;

/// <summary>How the pages say dates, numbers and amounts: in French, and times in Paris.</summary>
public static class French
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("fr-FR");

    /// <summary>« 5 décembre 2026 ».</summary>
    public static string Date(DateOnly date) => date.ToString("d MMMM yyyy", Culture);

    public static string Date(DateOnly? date) => date is { } d ? Date(d) : "—";

    /// <summary>« 5 décembre 2026 »: the day of a moment, in Paris.</summary>
    public static string Date(DateTimeOffset moment) => ParisCalendar.InParis(moment).ToString("d MMMM yyyy", Culture);

    /// <summary>« 5 décembre 2026 à 10:12 », Paris time.</summary>
    public static string DateTime(DateTimeOffset moment) =>
        ParisCalendar.InParis(moment).ToString("d MMMM yyyy 'à' HH:mm", Culture);

    public static string DateTime(DateTimeOffset? moment) => moment is { } m ? DateTime(m) : "—";

    /// <summary>« 10:12 », Paris time.</summary>
    public static string Time(DateTimeOffset? moment) => moment is { } m ? ParisCalendar.InParis(m).ToString("HH:mm", Culture) : "—";

    /// <summary>« associé·e » → « Associé·e », at the head of a table cell or a sentence.</summary>
    public static string Capitalized(string text) =>
        text.Length == 0 ? text : char.ToUpper(text[0], Culture) + text[1..];

    /// <summary>« 1 500,00 € » from cents.</summary>
    public static string Euros(long cents) => (cents / 100m).ToString("C", Culture);

    public static string Euros(long? cents) => cents is { } c ? Euros(c) : "—";

    /// <summary>« 1 500 € » from whole euros (the reprise watch's seed fund and job premium count no cents).</summary>
    public static string WholeEuros(long euros) => euros.ToString("C0", Culture);

    public static string WholeEuros(long? euros) => euros is { } e ? WholeEuros(e) : "—";

    /// <summary>« 36 000 ».</summary>
    public static string Number(long value) => value.ToString("N0", Culture);

    /// <summary>« janvier » for 1.</summary>
    public static string Month(int month) => Culture.DateTimeFormat.GetMonthName(month);

    /// <summary>« 12,5 % ».</summary>
    public static string Percent(double value) => (value / 100).ToString("P1", Culture);

    /// <summary>An ISO date for a machine-readable <c>datetime</c> attribute.</summary>
    public static string Iso(DateTimeOffset moment) => moment.ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture);

    /// <summary>A distance in kilometres, one decimal under 10 km (« 3,4 km »), whole above (« 27 km »).</summary>
    public static string Kilometres(double km) => (km < 10 ? km.ToString("0.0", Culture) : km.ToString("N0", Culture)) + "\u00a0km";

    /// <summary>The régions by name, for a picker.</summary>
    public static IEnumerable<(string Code, string Name)> RegionNames =>
        Regions.OrderBy(region => region.Value, StringComparer.Create(Culture, false)).Select(region => (region.Key, region.Value));

    /// <summary>A région's name from its INSEE code (the register gives codes): « 84 » → « Auvergne-Rhône-Alpes ».</summary>
    public static string Region(string? code) => code is not null && Regions.TryGetValue(code, out var name) ? name : code ?? "—";

    private static readonly Dictionary<string, string> Regions = new()
    {
        ["01"] = "Guadeloupe", ["02"] = "Martinique", ["03"] = "Guyane", ["04"] = "La Réunion", ["06"] = "Mayotte",
        ["11"] = "Île-de-France", ["24"] = "Centre-Val de Loire", ["27"] = "Bourgogne-Franche-Comté", ["28"] = "Normandie",
        ["32"] = "Hauts-de-France", ["44"] = "Grand Est", ["52"] = "Pays de la Loire", ["53"] = "Bretagne",
        ["75"] = "Nouvelle-Aquitaine", ["76"] = "Occitanie", ["84"] = "Auvergne-Rhône-Alpes",
        ["93"] = "Provence-Alpes-Côte d'Azur", ["94"] = "Corse",
    };
}
