using System.Globalization;
using Microsoft.Extensions.Options;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Contracts.PartnerHooks;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.Notifications.Domain;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Notifications.Templates;

/// <summary>A notification's words: its subject, its text (paragraphs separated by blank lines) and its links.</summary>
public sealed record Message(string Subject, string Body, IReadOnlyList<NotificationLink> Links);

/// <summary>
/// The French text of each kind of notification, one template per event, with the links the person needs to act on
/// it. Links lead to the web front-end's pages (<see cref="NotificationsOptions.WebBaseUrl"/>); every message ends
/// with the link to the person's preferences.
/// </summary>
public sealed class FrenchTemplates(IOptions<NotificationsOptions> options)
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    private string Web => (options.Value.WebBaseUrl ?? "http://localhost:8080/").TrimEnd('/');

    public Message BookingReleased(BookingReleased released)
    {
        var why = released.Reason == "SessionCancelled"
            ? "La session de formation à laquelle vous étiez inscrit·e a été annulée : votre place est libérée."
            : "Votre réservation n'a pas été confirmée à temps : la place qui vous était réservée a été libérée.";
        return new Message(
            "Votre place en formation a été libérée",
            $"Bonjour,\n\n{why}\n\nVous pouvez choisir une autre session dans le catalogue des formations.",
            [
                Link("booking", "Voir la réservation", $"formation/reservations/{released.BookingId}"),
                Link("catalogue", "Choisir une autre session", "formation/catalogue"),
                Preferences(),
            ]);
    }

    public Message WaitlistOffer(WaitlistOfferMade offer) => new(
        "Une place s'est libérée : confirmez avant " + Moment(offer.ExpiresAt),
        $"Bonjour,\n\nUne place s'est libérée dans la session pour laquelle vous étiez sur liste d'attente"
        + (offer.Quantity > 1 ? $" ({offer.Quantity} places, pour votre groupe)" : "")
        + $". Elle vous est réservée jusqu'au {Moment(offer.ExpiresAt)}.\n\n"
        + "Confirmez la réservation pour la garder. Si vous ne pouvez plus venir, refusez-la : la place ira à la personne suivante de la liste d'attente.",
        [
            Link("confirm", "Confirmer ma place", $"formation/reservations/{offer.BookingId}/confirmer"),
            Link("decline", "Refuser et quitter la liste d'attente", $"formation/reservations/{offer.BookingId}/annuler"),
            Link("session", "Voir la session", $"formation/sessions/{offer.SessionId}"),
            Preferences(),
        ]);

    public Message WelcomeDayInvitation(WelcomeDayInvited invited) => invited.SessionId is { } session
        ? new Message(
            "Invitation à la journée d'accueil des nouveaux salariés",
            "Bonjour et bienvenue dans le mouvement des SCOP !\n\n"
            + $"Vous êtes invité·e à la journée d'accueil de votre union régionale, le {Day(invited.SessionStartsOn)}. "
            + "Vous y découvrirez le fonctionnement d'une coopérative, ses instances et ce que le mouvement vous apporte.\n\n"
            + "Inscrivez-vous depuis la page de la session.",
            [
                Link("session", "Voir la session et s'inscrire", $"formation/sessions/{session}"),
                Link("invitation", "Mon invitation", $"formation/invitations/{invited.InvitationId}"),
                Preferences(),
            ])
        : new Message(
            "Invitation à la journée d'accueil des nouveaux salariés",
            "Bonjour et bienvenue dans le mouvement des SCOP !\n\n"
            + "Vous êtes invité·e à une journée d'accueil de votre union régionale. Aucune date n'est encore fixée : "
            + "nous vous écrirons dès qu'une session sera ouverte.",
            [Link("invitation", "Mon invitation", $"formation/invitations/{invited.InvitationId}"), Preferences()]);

    public Message TrainingCompleted(TrainingCompleted completed) => new(
        $"Formation validée : {completed.CourseTitle}",
        $"Bonjour,\n\nVous avez suivi la formation « {completed.CourseTitle} », validée le {Day(completed.CompletedOn)} "
        + $"sous le numéro de certificat {completed.CertificateNumber}. Elle figure dans votre passeport de compétences.",
        [Link("passport", "Mon passeport de compétences", "formation/passeport"), Preferences()]);

    public Message MembershipActivated(MembershipActivated activated) => new(
        "Adhésion de votre coopérative enregistrée",
        "Bonjour,\n\nLa cotisation de votre coopérative est enregistrée : son adhésion au mouvement court du "
        + $"{Day(activated.TermStartsOn)} au {Day(activated.TermEndsOn)}.",
        [Link("membership", "Voir l'adhésion", $"cooperatives/{activated.CooperativeId}/adhesion"), Preferences()]);

    public Message MembershipRenewed(MembershipRenewed renewed) => new(
        "Adhésion de votre coopérative renouvelée",
        "Bonjour,\n\nLa cotisation de votre coopérative est enregistrée : son adhésion est renouvelée du "
        + $"{Day(renewed.TermStartsOn)} au {Day(renewed.TermEndsOn)}.",
        [Link("membership", "Voir l'adhésion", $"cooperatives/{renewed.CooperativeId}/adhesion"), Preferences()]);

    public Message MembershipLapsed(MembershipLapsed lapsed) => new(
        "L'adhésion de votre coopérative a expiré",
        $"Bonjour,\n\nL'adhésion de votre coopérative au mouvement a pris fin le {Day(lapsed.TermEndedOn)} et le délai de grâce "
        + "est passé sans renouvellement. Les avantages des membres (carte, offres des partenaires) sont suspendus.\n\n"
        + "Renouvelez la cotisation pour les retrouver.",
        [Link("renew", "Renouveler la cotisation", $"cooperatives/{lapsed.CooperativeId}/adhesion"), Preferences()]);

    public Message MandateStarted(MandateStarted mandate) => new(
        $"Votre mandat commence : {mandate.Title}",
        $"Bonjour,\n\nVotre mandat « {mandate.Title} » ({Level(mandate.Level)}) commence le {Day(mandate.StartsOn)}"
        + (mandate.EndsOn is { } ends ? $" et se termine le {Day(ends)}" : "") + ".\n\n"
        + "Merci de votre engagement pour le mouvement.",
        [Link("mandate", "Voir le mandat", $"mandats/{mandate.MandateId}"), Preferences()]);

    public Message PartnerEndpointDisabled(PartnerEndpointDisabled disabled) => new(
        "Votre point de réception des événements SCOP est désactivé",
        $"Bonjour,\n\nLe point de réception {disabled.Url} ne reçoit plus les événements du mouvement des SCOP : {Reason(disabled.Reason)}\n\n"
        + "Les événements qui lui étaient destinés sont conservés. Une fois le point de réception corrigé, demandez sa "
        + "réactivation à la confédération : ces événements pourront vous être renvoyés.",
        [Link("endpoint", "Voir le point de réception", $"admin/partenaires/{disabled.PartnerId}/points/{disabled.EndpointId}")]);

    /// <summary>The invitation of a new account: the one-time link to choose a password, and until when it works.</summary>
    public Message AccountInvitation(string activationLink, DateTimeOffset expiresAt) => new(
        "Votre compte sur la plateforme des SCOP",
        "Bonjour,\n\nVotre coopérative vous a inscrit·e au registre du mouvement des SCOP. Un compte vous attend sur la "
        + "plateforme : vous y suivrez votre adhésion, vos formations et votre passeport de compétences.\n\n"
        + $"Choisissez votre mot de passe avec le lien ci-dessous, valable une seule fois, jusqu'au {Moment(expiresAt)}.",
        [new NotificationLink("activate", "Choisir mon mot de passe", activationLink)]);

    private NotificationLink Link(string rel, string label, string path) => new(rel, label, $"{Web}/{path}");

    private NotificationLink Preferences() => Link("preferences", "Choisir ce que je reçois", "notifications/preferences");

    private static string Day(DateOnly? day) => day is { } d ? d.ToString("d MMMM yyyy", French) : "(date à venir)";

    private static string Moment(DateTimeOffset at)
    {
        var local = ParisCalendar.InParis(at);
        return local.ToString("d MMMM yyyy 'à' H' h 'mm", French);
    }

    private static string Level(string level) => level.ToLowerInvariant() switch
    {
        "regional" => "régional",
        "federal" => "fédéral",
        "confederal" => "confédéral",
        _ => level,
    };

    private static string Reason(string reason) => reason.Contains("410", StringComparison.Ordinal)
        ? "il a répondu 410 (Gone)."
        : "il échoue depuis plusieurs jours.";
}
