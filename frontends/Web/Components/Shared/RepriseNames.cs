using Scop.Aspire.Web.Api.RepriseWatch;

namespace Scop.Aspire.Web.Components.Shared;

/// <summary>The reprise watch's stages, causes, reasons and rules in the words of the site.</summary>
public static class RepriseNames
{
    /// <summary>The open stages, in the pipeline's order: the columns of the board.</summary>
    public static readonly IReadOnlyList<Api.RepriseWatch.Stage> OpenStages =
        [Api.RepriseWatch.Stage.Reported, Api.RepriseWatch.Stage.Qualified, Api.RepriseWatch.Stage.Feasibility, Api.RepriseWatch.Stage.Financing];

    public static string Stage(Stage stage) => stage switch
    {
        Api.RepriseWatch.Stage.Reported => "Signalée",
        Api.RepriseWatch.Stage.Qualified => "Qualifiée",
        Api.RepriseWatch.Stage.Feasibility => "Étude de faisabilité",
        Api.RepriseWatch.Stage.Financing => "Financement",
        Api.RepriseWatch.Stage.Converted => "Reprise en coopérative",
        Api.RepriseWatch.Stage.Lost => "Perdue",
        _ => stage.ToString(),
    };

    /// <summary>The badge's tone of a stage: converted is good news, lost bad, the rest under way.</summary>
    public static string StageTone(Stage stage) => stage switch
    {
        Api.RepriseWatch.Stage.Converted => "ok",
        Api.RepriseWatch.Stage.Lost => "bad",
        Api.RepriseWatch.Stage.Reported => "",
        _ => "warn",
    };

    public static readonly IReadOnlyList<(TakeoverCause Cause, string Name)> Causes =
    [
        (TakeoverCause.OwnerRetiring, "Départ à la retraite du ou de la dirigeant·e"),
        (TakeoverCause.NoSuccessor, "Pas de successeur·e"),
        (TakeoverCause.Receivership, "Liquidation ou redressement judiciaire"),
        (TakeoverCause.GroupSellingSite, "Un groupe cède un site"),
        (TakeoverCause.Other, "Autre cause"),
    ];

    public static string Cause(TakeoverCause cause) => Causes.FirstOrDefault(c => c.Cause == cause).Name ?? cause.ToString();

    public static readonly IReadOnlyList<(OwnerAgeBand Band, string Name)> AgeBands =
    [
        (OwnerAgeBand.Under55, "moins de 55 ans"),
        (OwnerAgeBand.From55To59, "55 à 59 ans"),
        (OwnerAgeBand.From60To64, "60 à 64 ans"),
        (OwnerAgeBand.From65To69, "65 à 69 ans"),
        (OwnerAgeBand.From70, "70 ans et plus"),
    ];

    public static string AgeBand(OwnerAgeBand? band) => band is { } b ? AgeBands.FirstOrDefault(a => a.Band == b).Name ?? b.ToString() : "—";

    public static string AgeBand(OwnerAgeBand2? band) => AgeBand(band?.Value);

    public static readonly IReadOnlyList<(Confidentiality Level, string Name, string Meaning)> Confidentialities =
    [
        (Api.RepriseWatch.Confidentiality.Open, "Ouverte", "le nom de l'entreprise est visible de qui voit le signalement"),
        (Api.RepriseWatch.Confidentiality.Restricted, "Restreinte", "le nom est visible de vous, des délégué·es de l'union et de la fédération"),
        (Api.RepriseWatch.Confidentiality.Confidential, "Confidentielle", "le nom n'est visible que des délégué·es de l'union et de la fédération"),
    ];

    public static string Confidentiality(Confidentiality level) =>
        Confidentialities.FirstOrDefault(c => c.Level == level).Name ?? level.ToString();

    public static readonly IReadOnlyList<(LostReason Reason, string Name)> LostReasons =
    [
        (Api.RepriseWatch.LostReason.SoldToAnotherBuyer, "Vendue à un autre repreneur"),
        (Api.RepriseWatch.LostReason.OwnerWithdrew, "Le ou la cédant·e a renoncé"),
        (Api.RepriseWatch.LostReason.NotViable, "Pas viable"),
        (Api.RepriseWatch.LostReason.NoFinancing, "Pas de financement"),
        (Api.RepriseWatch.LostReason.NoManagerFound, "Pas de dirigeant·e trouvé·e"),
        (Api.RepriseWatch.LostReason.EmployeesDeclined, "Les salarié·es ont renoncé"),
        (Api.RepriseWatch.LostReason.Liquidated, "Liquidée"),
        (Api.RepriseWatch.LostReason.Other, "Autre raison"),
    ];

    public static string LostReason(LostReason? reason) =>
        reason is { } r ? LostReasons.FirstOrDefault(l => l.Reason == r).Name ?? r.ToString() : "—";

    public static string LostReason(LostReason2? reason) => LostReason(reason?.Value);

    /// <summary>A lost reason as the history keeps it (its API name).</summary>
    public static string LostReason(string? reason) =>
        Enum.TryParse<Api.RepriseWatch.LostReason>(reason, out var parsed) ? LostReason(parsed) : reason ?? "—";

    public static readonly IReadOnlyList<(string Size, string Name)> CompanySizes =
    [
        ("Under10", "moins de 10 salarié·es"),
        ("From10To49", "10 à 49 salarié·es"),
        ("From50To249", "50 à 249 salarié·es"),
        ("From250", "250 salarié·es et plus"),
    ];

    public static string CompanySize(string size) => CompanySizes.FirstOrDefault(s => s.Size == size).Name ?? size;

    public static string Outcome(ProposalOutcome? outcome) => outcome switch
    {
        ProposalOutcome.Proposed => "Proposé·e, en attente de réponse",
        ProposalOutcome.Accepted => "A accepté",
        ProposalOutcome.Declined => "A décliné",
        ProposalOutcome.Withdrawn => "Proposition retirée",
        _ => outcome?.ToString() ?? "—",
    };

    /// <summary>Who made a move, from the role the history keeps.</summary>
    public static string Actor(string role, string? union) => role switch
    {
        "register" => "le registre (adhésion de la coopérative)",
        _ => RoleNames.Of(role) + (union is null ? "" : $", {Unions.Name(union)}"),
    };

    /// <summary>
    /// A refused move in a sentence, from the rule the service names (<c>rule</c> in its ProblemDetails); a rule this
    /// site does not know yet is said by its title.
    /// </summary>
    public static string Refusal(Api.ApiProblem problem) => problem.Rule switch
    {
        "qualify-from-reported" => "Seule une opportunité signalée peut être qualifiée : celle-ci a passé cette étape ou est close.",
        "feasibility-from-qualified" => "Seule une opportunité qualifiée passe à l'étude de faisabilité : qualifiez-la d'abord (date du contact et emplois en jeu).",
        "financing-from-feasibility" => "Seule une opportunité à l'étude de faisabilité passe au financement : l'étude vient d'abord, et sa synthèse ouvre le financement.",
        "lost-from-open-stage" => "Seule une opportunité ouverte peut être perdue : celle-ci est close (reprise en coopérative ou perdue), son historique dit comment.",
        "successor-of-open-opportunity" => "Seule une opportunité ouverte reçoit la coopérative qui la reprend : celle-ci est close.",
        "successor-not-an-opportunity" => "Ce SIREN est celui d'une autre entreprise de la veille, pas celui d'une nouvelle coopérative.",
        "already-a-cooperative" => "Cette entreprise est déjà une coopérative du mouvement : ce n'est pas une opportunité de reprise.",
        "financing-request-in-financing-stage" => "Le fonds d'amorçage finance une opportunité à l'étape du financement seulement : faites-la d'abord passer au financement.",
        "compartment-serves-region" => "Un des compartiments choisis ne sert pas l'union régionale de l'opportunité : choisissez un compartiment national ou de son union.",
        "compartment-holds-enough" => "Un compartiment n'a plus assez de fonds disponibles pour le montant demandé.",
        "decide-requested-only" => "Cette demande est déjà décidée : une demande se décide une seule fois.",
        "premium-year-open" => "L'année de la prime n'est pas encore ouverte : fixez d'abord son montant par emploi et son budget.",
        "premium-budget-not-exceeded" => "Le budget de l'année ne couvre plus cette prime.",
        "premium-once-per-cooperative" => "Cette coopérative a déjà reçu sa prime à l'emploi : une coopérative la reçoit une seule fois.",
        "premium-budget-covers-granted" => "Le budget ne peut pas descendre sous ce qui est déjà accordé cette année.",
        "loan-answered-once" => "La banque a déjà répondu pour ce prêt.",
        // The pool's refusals name no rule: their titles are stable.
        _ when problem.Title == "Opportunity closed" => "L'opportunité est close : on n'y propose plus personne.",
        _ when problem.Title == "Not in the pool" => "Cette personne n'est pas, ou plus, dans le vivier.",
        _ when problem.Title == "Another union's volunteer" => "Cette personne est du vivier d'une autre union régionale.",
        _ when problem.Title == "Proposed already" => "Cette personne est déjà proposée pour cette reprise : enregistrez plutôt sa réponse.",
        _ when problem.Title == "Outcome recorded already" => "La réponse à cette proposition est déjà enregistrée.",
        _ when problem.Status == 400 => "Choisissez une réponse de la liste.",
        _ when problem.Status == 428 => "La version lue de l'opportunité manque : rechargez la page.",
        _ when problem.Status == 412 => "Quelqu'un a fait avancer cette opportunité entre-temps : voici son état actuel, refaites votre choix si besoin.",
        _ => $"{problem.Title} {problem.Detail}".Trim(),
    };

    public static string Reach(CompartmentReach reach) => reach switch
    {
        CompartmentReach.National => "National",
        CompartmentReach.Regional => "Régional",
        CompartmentReach.InterRegional => "Interrégional",
        _ => reach.ToString(),
    };

    public static readonly IReadOnlyList<(FunderKind Kind, string Name)> FunderKinds =
    [
        (Api.RepriseWatch.FunderKind.Bank, "Banque"),
        (Api.RepriseWatch.FunderKind.Mutual, "Mutuelle"),
        (Api.RepriseWatch.FunderKind.Region, "Région"),
    ];

    public static string FunderKind(FunderKind kind) => FunderKinds.FirstOrDefault(k => k.Kind == kind).Name ?? kind.ToString();

    public static string Financing(FinancingStatus status) => status switch
    {
        FinancingStatus.Requested => "En attente de décision",
        FinancingStatus.Approved => "Approuvée",
        FinancingStatus.Refused => "Refusée",
        _ => status.ToString(),
    };

    public static string FinancingTone(FinancingStatus status) => status switch
    {
        FinancingStatus.Approved => "ok",
        FinancingStatus.Refused => "bad",
        _ => "warn",
    };

    public static string Loan(LoanStatus status) => status switch
    {
        LoanStatus.Asked => "Demandé à la banque",
        LoanStatus.Accepted => "Prêt accordé",
        LoanStatus.Refused => "Prêt refusé",
        _ => status.ToString(),
    };
}
