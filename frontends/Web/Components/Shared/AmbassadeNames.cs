using System.Globalization;
using System.Text.RegularExpressions;
using Scop.Aspire.Web.Api;
using Scop.Aspire.Web.Api.Ambassadors;

namespace Scop.Aspire.Web.Components.Shared;

/// <summary>The SCOP Ambassade label and its enquiries in the pages' French: statuses, steps, refusals.</summary>
public static partial class AmbassadeNames
{
    public static string Status(LabelStatus status) => status switch
    {
        LabelStatus.Applied => "candidature en cours",
        LabelStatus.Labelled => "labellisée",
        LabelStatus.Refused => "refusée",
        LabelStatus.Suspended => "suspendue",
        LabelStatus.Withdrawn => "label retiré",
        LabelStatus.Expired => "label échu",
        _ => status.ToString(),
    };

    /// <summary>The badge's class: in force is good news, suspended a warning, an end bad.</summary>
    public static string StatusClass(LabelStatus status) => status switch
    {
        LabelStatus.Labelled => "ok",
        LabelStatus.Applied or LabelStatus.Suspended => "warn",
        _ => "bad",
    };

    /// <summary>The statuses a list filters on, in the order of the label's life.</summary>
    public static IEnumerable<LabelStatus> Statuses =>
        [LabelStatus.Applied, LabelStatus.Labelled, LabelStatus.Suspended, LabelStatus.Refused, LabelStatus.Withdrawn, LabelStatus.Expired];

    public static string Step(string step) => step switch
    {
        "Applied" => "Candidature déposée",
        "RenewalRequested" => "Renouvellement demandé",
        "Reviewed" => "Visite et grille des critères",
        "Labelled" => "Label accordé",
        "Renewed" => "Label renouvelé",
        "Refused" => "Candidature refusée",
        "RenewalRefused" => "Renouvellement refusé",
        "Suspended" => "Label suspendu",
        "Reinstated" => "Label rétabli",
        "Withdrawn" => "Label retiré",
        "Placed" => "Position de la porte changée",
        "RenewalDue" => "Renouvellement à demander",
        "Expired" => "Label échu",
        _ => step,
    };

    public static string Actor(string role, string? union) => role switch
    {
        "timer" => "la plateforme (échéance)",
        "" => "—",
        _ => RoleNames.Of(role) + (union is null ? "" : $", {Unions.Name(union)}"),
    };

    /// <summary>
    /// What a person wrote with a step (a reason, a comment), without the service's own notes in English: a grant's
    /// « Until 2029-12-06. » becomes its end date in French, the review's checklist and the timers' notes are said
    /// by the step itself.
    /// </summary>
    public static (string? EndsOn, string? Written) Note(AmbassadeHistoryResponse line)
    {
        switch (line.Step)
        {
            case "Labelled" or "Renewed" when line.Comment is { } comment && Until().Match(comment) is { Success: true } until:
                var endsOn = DateOnly.ParseExact(until.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                var rest = comment[until.Length..].Trim();
                return (French.Date(endsOn), rest.Length == 0 ? null : rest);
            case "Reviewed" or "Placed" or "RenewalDue" or "Expired":
                return (null, null);
            default:
                return (null, line.Reason ?? line.Comment);
        }
    }

    /// <summary>A refused step in a sentence, from the rule the service names; else its problem in French.</summary>
    public static string Refusal(ApiProblem problem) => problem.Rule switch
    {
        "one-live-label-per-cooperative" => "Votre coopérative a déjà une candidature ou un label en cours : un label en vigueur se renouvelle.",
        "cooperative-in-register" => "Votre coopérative n'est pas encore connue du registre des adhésions : réessayez dans un instant.",
        "review-pending-application" => "Seule une candidature en attente de décision reçoit une visite.",
        "decide-pending-application" => "Seule une candidature en attente de décision est accordée ou refusée : celle-ci est déjà décidée.",
        "reviewed-before-approval" => "Le label s'accorde après la visite : enregistrez d'abord la visite et la grille des critères.",
        "criteria-met" => "Tous les critères ne sont pas remplis (signalétique, accueil et information, représentation locale) : le label ne peut pas être accordé.",
        "membership-current" => "L'adhésion de la coopérative n'est pas à jour de ses cotisations : le label ne peut pas être accordé.",
        "renew-labelled" => "Seul un label en vigueur se renouvelle : un label suspendu est d'abord rétabli.",
        "renewal-asked-once" => "Le renouvellement est déjà demandé : l'union régionale l'examine.",
        "suspend-labelled" => "Seul un label en vigueur est suspendu.",
        "reinstate-suspended" => "Seul un label suspendu est rétabli.",
        "withdraw-live-label" => "Seul un label en vigueur ou suspendu est retiré.",
        "answer-once" => "Cette demande a déjà reçu sa réponse : on y répond une seule fois.",
        "answer-not-withdrawn" => "La personne a retiré sa demande et ses données sont effacées : on ne peut plus y répondre.",
        _ when problem.Status == 412 => "Quelqu'un a modifié ces données entre-temps : voici leur état actuel, recommencez si besoin.",
        _ when problem.Status == 428 => "La version lue manque : rechargez la page.",
        _ when problem.Status == 403 => "Vous n'avez pas accès à cette action.",
        _ => $"{problem.Title} {problem.Detail}".Trim(),
    };

    public static string EnquiryStatus(string status) => status switch
    {
        "Received" => "en attente de réponse",
        "Answered" => "répondue",
        "Withdrawn" => "retirée",
        _ => status,
    };

    /// <summary>How late an enquiry is, the worst first: escalated to the federation, to the union, late, or nothing.</summary>
    public static (string Text, string Class)? Lateness(AmbassadeEnquiriesEnquiryView enquiry) => enquiry switch
    {
        { Status: "Received", EscalatedToFederationAt: not null } => ("en retard, signalée à la fédération", "bad"),
        { Status: "Received", EscalatedToUnionAt: not null } => ("en retard, signalée à l'union régionale", "bad"),
        { Late: true } => ("en retard", "warn"),
        _ => null,
    };

    [GeneratedRegex(@"^Until (\d{4}-\d{2}-\d{2})\.")]
    private static partial Regex Until();
}
