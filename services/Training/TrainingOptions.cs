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

    /// <summary>The yearly target of people entering training: 5 % of the network's employees and worker-members.</summary>
    public int TargetEmployees { get; set; } = 1_500;

    /// <summary>The yearly target of managers entering training: 5 % of the network's managers.</summary>
    public int TargetManagers { get; set; } = 150;
}
