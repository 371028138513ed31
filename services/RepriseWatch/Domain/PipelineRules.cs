namespace Scop.Aspire.RepriseWatch.Domain;

/// <summary>A rule of the pipeline, with the stable code a refusal names (<c>rule</c> in the ProblemDetails).</summary>
public sealed record PipelineRule(string Code, string Title, string Detail);

/// <summary>
/// Every move of the pipeline is a command with its rule: who may make it is the endpoint's (the delegates of the
/// opportunity's regional union and staff), from which stage and with what is here. No move jumps a stage, none
/// reopens a closed opportunity, and what a move requires is required, not optional.
/// </summary>
public static class PipelineRules
{
    public static readonly PipelineRule QualifyFromReported = new("qualify-from-reported",
        "Only a reported opportunity is qualified",
        "Qualification is the first move after the report; this opportunity is past it or closed.");

    public static readonly PipelineRule FeasibilityFromQualified = new("feasibility-from-qualified",
        "Only a qualified opportunity goes to feasibility",
        "Qualify the opportunity first (a contact date and the jobs at stake).");

    public static readonly PipelineRule FinancingFromFeasibility = new("financing-from-feasibility",
        "Only an opportunity in feasibility goes to financing",
        "The feasibility study comes before financing, and its summary is what financing starts from.");

    public static readonly PipelineRule LostFromOpenStage = new("lost-from-open-stage",
        "Only an open opportunity is lost",
        "A converted or lost opportunity is closed; its history keeps how it ended.");

    public static readonly PipelineRule SuccessorOfOpenOpportunity = new("successor-of-open-opportunity",
        "Only an open opportunity takes a successor",
        "The opportunity is closed; the cooperative it became, if any, is in its history.");

    public static readonly PipelineRule OneOpportunityPerCooperative = new("successor-not-an-opportunity",
        "The successor is another opportunity",
        "That SIREN is the company of another opportunity of the watch, not a new cooperative's.");

    public static readonly PipelineRule AlreadyACooperative = new("already-a-cooperative",
        "The company is a cooperative of the movement already",
        "A member cooperative is not a takeover opportunity.");

    /// <summary>The rule a move from <paramref name="stage"/> breaks, or null when it may be made.</summary>
    public static PipelineRule? Breaks(PipelineMove move, Stage stage) => move switch
    {
        PipelineMove.Qualify when stage != Stage.Reported => QualifyFromReported,
        PipelineMove.StartFeasibility when stage != Stage.Qualified => FeasibilityFromQualified,
        PipelineMove.StartFinancing when stage != Stage.Feasibility => FinancingFromFeasibility,
        PipelineMove.Lose when stage is Stage.Converted or Stage.Lost => LostFromOpenStage,
        PipelineMove.LinkSuccessor when stage is Stage.Converted or Stage.Lost => SuccessorOfOpenOpportunity,
        _ => null,
    };
}

public enum PipelineMove
{
    Qualify,
    StartFeasibility,
    StartFinancing,
    Lose,
    LinkSuccessor,
}

/// <summary>The seed fund's rules: who asks it for what, and what a compartment can give.</summary>
public static class SeedFundRules
{
    public static readonly PipelineRule RequestInFinancingStage = new("financing-request-in-financing-stage",
        "Only an opportunity in financing asks the seed fund",
        "Bring the opportunity to financing first (its feasibility study concluded).");

    public static readonly PipelineRule CompartmentServesRegion = new("compartment-serves-region",
        "The compartment does not serve the opportunity's union",
        "A regional or inter-regional compartment finances takeovers of its unions only; a national one, everywhere.");

    public static readonly PipelineRule CompartmentHoldsEnough = new("compartment-holds-enough",
        "The compartment does not hold enough",
        "A compartment never commits more than its funders put in.");

    public static readonly PipelineRule DecideRequestedOnly = new("decide-requested-only",
        "The request was decided already",
        "A financing request is approved or refused once.");
}

/// <summary>The job premium's rules.</summary>
public static class JobPremiumRules
{
    public static readonly PipelineRule YearOpen = new("premium-year-open",
        "The job premium of the year is not open",
        "Staff set the year's amount per job and budget first.");

    public static readonly PipelineRule BudgetNotExceeded = new("premium-budget-not-exceeded",
        "The year's budget would be exceeded",
        "The premiums granted in a year never exceed its budget.");

    public static readonly PipelineRule OncePerCooperative = new("premium-once-per-cooperative",
        "The cooperative received its premium already",
        "A cooperative receives the job premium once, for the jobs of its creation or takeover.");

    public static readonly PipelineRule BudgetCoversGranted = new("premium-budget-covers-granted",
        "The budget is below what was granted",
        "A year's budget cannot be set below the premiums granted in it.");

    public static readonly PipelineRule LoanAnsweredOnce = new("loan-answered-once",
        "The bank answered already",
        "The bank accepts or refuses to double a premium once.");
}
