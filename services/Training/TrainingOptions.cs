namespace Scop.Aspire.Training;

/// <summary>The booking centre's rules that the federation may tune (<c>Scop:Training</c>).</summary>
public sealed class TrainingOptions
{
    public const string Section = "Scop:Training";

    /// <summary>How long a hold keeps its seats before they are released by themselves.</summary>
    public TimeSpan HoldDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a waiting-list offer is valid.</summary>
    public TimeSpan OfferDuration { get; set; } = TimeSpan.FromHours(48);

    /// <summary>A booking can be cancelled until this long before the session's first day (midnight, Paris time).</summary>
    public TimeSpan CancellationCutoff { get; set; } = TimeSpan.FromHours(48);

    /// <summary>Cooperatives with fewer people than this can have their bookings funded by the mutual fund.</summary>
    public int FundMaxHeadcount { get; set; } = 50;

    /// <summary>The most the fund pays for one person in one year, in euro cents.</summary>
    public long FundCeilingPerPersonCents { get; set; } = 150_000;

    /// <summary>
    /// The yearly target of people entering training, as a share of the people the register counts that year: employees
    /// and worker-members on one side, managers apart (5 %: 1,500 of 30,000 and 150 of 3,000 in the development plan).
    /// </summary>
    public decimal TargetShare { get; set; } = 0.05m;
}
