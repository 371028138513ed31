using Scop.Aspire.Web.Api.Training;

namespace Scop.Aspire.Web.Components.Shared;

/// <summary>The training service's states in the words of the site.</summary>
public static class TrainingNames
{
    /// <summary>The mutual fund's decision on a booking.</summary>
    public static string Funding(FundingOutcome outcome) => outcome switch
    {
        FundingOutcome.Granted => "Accordé",
        FundingOutcome.PartlyGranted => "Accordé en partie",
        FundingOutcome.Refused => "Refusé",
        FundingOutcome.Released => "Libéré",
        _ => outcome.ToString(),
    };
}
