using MimeKit;
using Scop.Aspire.Contracts;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Contracts.PartnerHooks;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.Notifications.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Notifications.Tests;

/// <summary>
/// Every event that concerns a person, delivered twice as a broker may: the person gets exactly one e-mail, read from
/// the real mail server, and one entry in their inbox, in French, with the links they need.
/// </summary>
[Collection(NotificationsServersCollection.Name)]
public sealed class EveryEventTests(NotificationsServers servers, NotificationsAppPerClass perClass)
    : NotificationsTestBase(servers, perClass), IClassFixture<NotificationsAppPerClass>
{
    /// <summary>An event about the person, the kind it makes, a word its subject holds and the link the person needs.</summary>
    private sealed record Case(IIntegrationEvent Event, string Kind, string SubjectHas, string LinkRel, string LinkHas);

    public static TheoryData<string> Kinds() =>
    [
        "booking-released", "waitlist-offer", "welcome-day-invitation", "training-completed", "membership-activated",
        "membership-renewed", "membership-lapsed", "mandate-started",
    ];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Each_event_makes_one_email_and_one_inbox_entry_even_delivered_twice(string kind)
    {
        var person = await App.HireAsync(kind.StartsWith("membership", StringComparison.Ordinal) ? PersonRoles.Manager : PersonRoles.Employee);
        var @case = CaseOf(kind, person);

        await PublishTwiceAsync(@case.Event);

        var delivery = Assert.Single(await App.SettledAsync(@case.Event.EventId, "sent"));
        Assert.Equal(kind, delivery.Kind);
        Assert.Equal(person.Id, delivery.RecipientId);

        var message = await OneEmailAsync(person.Email!, @case.Event.EventId);
        Assert.Contains(@case.SubjectHas, message.Subject, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        Assert.Contains("Bonjour", message.TextBody);

        var entry = Assert.Single(await App.InboxAsync(person.Id), e => e.Kind == kind);
        Assert.Equal(message.Subject, entry.Subject);
        Assert.Null(entry.ReadAt);
        var link = Assert.Single(entry.Links, l => l.Rel == @case.LinkRel);
        Assert.StartsWith(NotificationsApp.WebBaseUrl + "/", link.Href);
        Assert.Contains(@case.LinkHas, link.Href);
        Assert.Contains(link.Href, message.TextBody);
        Assert.Contains(link.Href, message.HtmlBody);
        Assert.Contains(entry.Links, l => l.Rel == "preferences");
    }

    [Fact]
    public async Task A_disabled_partner_endpoint_tells_the_partner_once()
    {
        var disabled = new PartnerEndpointDisabled(Guid.NewGuid(), App.Time.GetUtcNow(), Guid.NewGuid(), "credit-cooperatif",
            Guid.NewGuid(), "https://hooks.credit-cooperatif.test/scop", "410 Gone");

        await PublishTwiceAsync(disabled);

        var delivery = Assert.Single(await App.SettledAsync(disabled.EventId, "sent"));
        Assert.Equal("partner", delivery.RecipientKind);
        Assert.Equal(disabled.PartnerId, delivery.RecipientId);
        Assert.False(delivery.InInbox);
        var message = await OneEmailAsync(NotificationsApp.PartnerContact, disabled.EventId);
        Assert.Contains("désactivé", message.Subject);
        Assert.Contains("https://hooks.credit-cooperatif.test/scop", message.TextBody);
        Assert.Contains($"admin/partenaires/{disabled.PartnerId}/points/{disabled.EndpointId}", message.TextBody);
    }

    [Fact]
    public async Task A_partner_without_a_contact_is_told_through_the_partner_desk()
    {
        var disabled = new PartnerEndpointDisabled(Guid.NewGuid(), App.Time.GetUtcNow(), Guid.NewGuid(), "banque-inconnue",
            Guid.NewGuid(), "https://hooks.banque.test/scop", "no success for 5 days");

        await App.PublishAsync(disabled);

        await App.SettledAsync(disabled.EventId, "sent");
        var message = await OneEmailAsync(NotificationsApp.PartnerDesk, disabled.EventId);
        Assert.Contains("échoue depuis plusieurs jours", message.TextBody);
    }

    [Fact]
    public async Task An_event_before_the_hire_waits_for_the_address_then_is_sent()
    {
        var personId = Guid.NewGuid();
        var mandate = new MandateStarted(Guid.NewGuid(), App.Time.GetUtcNow(), Guid.NewGuid(), personId, "Regional",
            "Administrateur de l'URSCOP", "urscop-aura", new DateOnly(2027, 1, 1), null);
        await App.PublishAsync(mandate);
        var waiting = Assert.Single(await Eventually.HoldsAsync(() => App.DeliveriesOfAsync(mandate.EventId),
            d => d.Count == 1 && d[0].EmailStatus == "retrying", "the e-mail waiting for the address"));
        Assert.Contains("not known yet", waiting.LastError);

        var email = $"p{Guid.NewGuid():N}@example.coop";
        await App.PublishAsync(new PersonHired(Guid.NewGuid(), App.Time.GetUtcNow(), personId, Guid.NewGuid(), "urscop-aura",
            new DateOnly(2026, 9, 1), PersonRoles.Employee, email));

        await App.SettledAsync(mandate.EventId, "sent"); // without moving the clock: the hire made it due at once
        await OneEmailAsync(email, mandate.EventId);
    }

    [Fact]
    public async Task A_person_hired_without_an_address_is_told_in_the_inbox_only()
    {
        var person = await App.HireAsync(withEmail: false);
        var released = new BookingReleased(Guid.NewGuid(), App.Time.GetUtcNow(), Guid.NewGuid(), Guid.NewGuid(), "HoldExpired", [person.Id]);

        await App.PublishAsync(released);

        var delivery = Assert.Single(await App.SettledAsync(released.EventId, "skipped"));
        Assert.Contains("no e-mail address", delivery.LastError);
        Assert.Single(await App.InboxAsync(person.Id), e => e.Kind == "booking-released");
    }

    private async Task PublishTwiceAsync(IIntegrationEvent @event)
    {
        await App.PublishAsync((dynamic)@event);
        await App.PublishAsync((dynamic)@event); // a redelivery: same message id (the EventId)
        await Eventually.HoldsAsync(() => Task.FromResult(App.ConsumedCount(@event.EventId)), n => n >= 2, "both deliveries to be consumed");
    }

    /// <summary>Exactly one message about <paramref name="eventId"/> reached <paramref name="address"/>'s mailbox.</summary>
    private async Task<MimeMessage> OneEmailAsync(string address, Guid eventId)
    {
        var messages = await Eventually.HoldsAsync(async () => (await Mail.MessagesToAsync(address))
                .Where(m => m.Headers["X-Scop-Event"] == eventId.ToString()).ToList(),
            m => m.Count >= 1, $"the e-mail of event {eventId} in {address}'s mailbox");
        return Assert.Single(messages);
    }

    private Case CaseOf(string kind, Person person)
    {
        var now = App.Time.GetUtcNow();
        var session = Guid.NewGuid();
        var booking = Guid.NewGuid();
        return kind switch
        {
            "booking-released" => new Case(new BookingReleased(Guid.NewGuid(), now, booking, session, "SessionCancelled", [person.Id]),
                kind, "libérée", "booking", booking.ToString()),
            "waitlist-offer" => new Case(new WaitlistOfferMade(Guid.NewGuid(), now, Guid.NewGuid(), session, booking, 1,
                now.AddHours(48), [person.Id]), kind, "confirmez", "confirm", $"reservations/{booking}/confirmer"),
            "welcome-day-invitation" => new Case(new WelcomeDayInvited(Guid.NewGuid(), now, Guid.NewGuid(), person.Id,
                person.Cooperative, "urscop-aura", session, new DateOnly(2027, 3, 4)), kind, "journée d'accueil", "session",
                $"formation/sessions/{session}"),
            "training-completed" => new Case(new TrainingCompleted(Guid.NewGuid(), now, person.Id, Guid.NewGuid(),
                "Comprendre sa SCOP", "Cooperative", session, "SCOP-2026-000042", new DateOnly(2026, 11, 20), "Employee",
                "urscop-aura", person.Cooperative), kind, "Comprendre sa SCOP", "passport", "formation/passeport"),
            "membership-activated" => new Case(new MembershipActivated(Guid.NewGuid(), now, Guid.NewGuid(), person.Cooperative,
                "urscop-aura", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31)), kind, "adhésion", "membership",
                $"cooperatives/{person.Cooperative}/adhesion"),
            "membership-renewed" => new Case(new MembershipRenewed(Guid.NewGuid(), now, Guid.NewGuid(), person.Cooperative,
                "urscop-aura", new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31)), kind, "renouvelée", "membership",
                $"cooperatives/{person.Cooperative}/adhesion"),
            "membership-lapsed" => new Case(new MembershipLapsed(Guid.NewGuid(), now, Guid.NewGuid(), person.Cooperative,
                "urscop-aura", new DateOnly(2026, 6, 30)), kind, "expiré", "renew", $"cooperatives/{person.Cooperative}/adhesion"),
            "mandate-started" => new Case(new MandateStarted(Guid.NewGuid(), now, Guid.NewGuid(), person.Id, "Regional",
                "Administrateur de l'URSCOP", "urscop-aura", new DateOnly(2027, 1, 1), new DateOnly(2030, 12, 31)), kind,
                "mandat", "mandate", "mandats/"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }
}
