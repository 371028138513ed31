using System.Text.RegularExpressions;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Training.Domain;

public enum SessionStatus
{
    Draft,
    Open,
    Closed,
    Cancelled,
    Held,
}

/// <summary>
/// One run of a course: its days, its place (a regional union and a commune, or remote), its capacity and price.
/// <see cref="SeatsTaken"/> counts the seats of holds and confirmed bookings; the database keeps it within
/// <see cref="Capacity"/> (a check constraint, and conditional updates that never exceed it).
/// </summary>
public sealed partial class Session
{
    public const int MaxCapacity = 10_000;
    public const int MaxDays = 30;

    public Guid Id { get; set; }

    public Guid CourseId { get; set; }

    public DateOnly StartsOn { get; set; }

    public DateOnly EndsOn { get; set; }

    public bool Remote { get; set; }

    /// <summary>The regional union that runs it (e.g. <c>urscop-aura</c>); null only for a remote national session.</summary>
    public string? RegionalUnion { get; set; }

    /// <summary>INSEE code of the commune where it takes place; null when remote.</summary>
    public string? CommuneCode { get; set; }

    public int Capacity { get; set; }

    public int SeatsTaken { get; set; }

    /// <summary>Price per seat, in euro cents.</summary>
    public long PriceCents { get; set; }

    public SessionStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    /// <summary>Holidays that fall within <paramref name="from"/>..<paramref name="to"/> at this place.</summary>
    public static IEnumerable<(DateOnly Date, string Name)> HolidaysWithin(DateOnly from, DateOnly to, string? communeCode)
    {
        var alsaceMoselle = FrenchHolidays.IsAlsaceMoselle(communeCode);
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            if (FrenchHolidays.HolidayName(day, alsaceMoselle) is { } name)
            {
                yield return (day, name);
            }
        }
    }

    /// <summary>The moment after which bookings can no longer be cancelled: the first day at midnight in Paris, less the cut-off.</summary>
    public DateTimeOffset CancellationDeadline(TimeSpan cutoff)
    {
        return ParisCalendar.StartOf(StartsOn) - cutoff;
    }

    /// <summary>A regional union's code: lower-case letters, digits and dashes (e.g. <c>urscop-aura</c>).</summary>
    public static bool IsRegionalUnionCode(string value) => RegionalUnionPattern().IsMatch(value);

    /// <summary>An INSEE commune code: five characters, digits except Corsica's 2A / 2B.</summary>
    public static bool IsCommuneCode(string value) => CommunePattern().IsMatch(value);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,63}$")]
    private static partial Regex RegionalUnionPattern();

    [GeneratedRegex("^([0-9]{2}|2[AB])[0-9]{3}$")]
    private static partial Regex CommunePattern();
}
