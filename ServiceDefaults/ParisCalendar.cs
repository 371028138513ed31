namespace Scop.Aspire.ServiceDefaults;

/// <summary>
/// The movement's calendar: a date is a day in Paris. Between midnight and 1 or 2 a.m. in France the UTC date is still
/// the day before: a payment recorded at 00:30 on 6 December is of 6 December, not « in the future ».
/// </summary>
public static class ParisCalendar
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    /// <summary>Today's date in Paris.</summary>
    public static DateOnly Today(TimeProvider time) => DateOf(time.GetUtcNow());

    /// <summary>The date in Paris at <paramref name="moment"/>.</summary>
    public static DateOnly DateOf(DateTimeOffset moment) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(moment, Zone).DateTime);

    /// <summary>Midnight in Paris at the start of <paramref name="day"/>.</summary>
    public static DateTimeOffset StartOf(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, Zone.GetUtcOffset(midnight));
    }

    /// <summary>The moment as Paris's clocks showed it.</summary>
    public static DateTimeOffset InParis(DateTimeOffset moment) => TimeZoneInfo.ConvertTime(moment, Zone);
}
