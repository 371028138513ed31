using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.Ambassadors.Features;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Ambassadors.DemoData;

/// <summary>What becomes of a drawn cooperative's label in the demo.</summary>
public enum DemoFate
{
    Labelled,
    Applied,
    Refused,
    Suspended,
    Withdrawn,
    Expired,
}

/// <summary>
/// The demo's Ambassades, drawn from the register: each with the steps of its label, dated over the last years, as the
/// workflow would have left them (history lines, the timers of a label in force), and a year of enquiries for those in
/// the directory. Deterministic for a given <see cref="Random"/> and moment.
/// </summary>
public sealed class DemoAmbassades(Random random, FrenchPlaces places, AmbassadorsOptions options, DateTimeOffset now)
{
    /// <summary>Membership's grace after a term's end before it publishes the lapse (its <c>MembershipRules.GraceDays</c>).</summary>
    public const int MembershipGraceDays = 90;

    private static readonly string[] Motivations =
    [
        "Nous recevons les porteurs de projet chaque jeudi après-midi et connaissons bien les acteurs locaux.",
        "Notre équipe a vécu une transmission en SCOP : nous voulons partager ce parcours avec ceux qui s'y lancent.",
        "Coopérative implantée depuis vingt ans sur le territoire, nous siégeons au conseil de développement de l'agglomération.",
        "Nous accueillons déjà des stagiaires et des créateurs d'activité ; le label donnera de la visibilité à cet accueil.",
    ];

    private static readonly string[] Refusals =
    [
        "La signalétique n'est pas en place et aucune personne n'est désignée pour l'accueil.",
        "L'accueil des porteurs de projet n'est pas organisé pour le moment ; une nouvelle candidature est bienvenue l'an prochain.",
    ];

    private static readonly string[] Suspensions =
    [
        "Locaux en travaux : accueil interrompu jusqu'à la fin du chantier.",
        "Départ de la personne chargée de l'accueil ; remplacement en cours.",
    ];

    private static readonly string[] Withdrawals =
    [
        "La coopérative a cessé son activité d'accueil.",
        "Déménagement hors du territoire de l'union régionale.",
    ];

    private static readonly string[] Projects =
    [
        "Nous sommes quatre salariés d'une menuiserie dont le patron part à la retraite ; nous aimerions la reprendre en SCOP.",
        "Je souhaite créer une épicerie coopérative avec des producteurs locaux et cherche à comprendre le statut de SCIC.",
        "Projet de bureau d'études à trois associés : quelles différences entre SCOP et SAS pour nous ?",
        "Notre association emploie douze personnes et envisage de se transformer en coopérative. Par où commencer ?",
        "Je suis entrepreneur salarié dans une CAE et voudrais savoir comment devenir associé.",
        "Reprise d'une imprimerie de quinze salariés en redressement : les salariés veulent présenter une offre.",
        "Création d'un restaurant en SCOP avec deux cuisiniers et une serveuse ; nous cherchons des conseils sur le financement.",
    ];

    private static readonly string[] Answers =
    [
        "Merci pour votre message : nous vous proposons un rendez-vous à la coopérative la semaine prochaine.",
        "Nous vous avons appelé et transmis vos coordonnées au chargé de mission de l'union régionale, qui vous recontactera.",
        "Vous trouverez ci-joint la plaquette de l'union régionale ; une réunion d'information a lieu le premier mardi du mois.",
    ];

    private static readonly string[] GivenNames =
    [
        "Camille", "Léa", "Hugo", "Inès", "Lucas", "Manon", "Karim", "Chloé", "Théo", "Sarah", "Nathan", "Emma", "Yanis", "Jade",
    ];

    private readonly DateOnly today = ParisCalendar.DateOf(now);

    public Dictionary<LabelStatus, int> Counts { get; } = Enum.GetValues<LabelStatus>().ToDictionary(s => s, _ => 0);

    public int Enquiries { get; private set; }

    /// <summary>
    /// The cooperatives whose Ambassades the demo makes and what becomes of each: <paramref name="labelled"/> in force,
    /// drawn among the current members first, and about a fifth as many around them (applications awaiting a decision,
    /// refusals, suspended, withdrawn and expired labels) from the cooperatives left, as far as the register goes.
    /// </summary>
    public IReadOnlyList<(RegisterCooperative Cooperative, DemoFate Fate)> Draw(IReadOnlyList<RegisterCooperative> register, int labelled)
    {
        var current = register.Where(IsCurrent).OrderBy(_ => random.Next()).ToList();
        var others = register.Where(c => !IsCurrent(c)).OrderBy(_ => random.Next()).ToList();
        var pool = current.Concat(others).ToList();
        var drawn = pool.Take(labelled).Select(c => (c, DemoFate.Labelled)).ToList();
        DemoFate[] around = [DemoFate.Applied, DemoFate.Applied, DemoFate.Applied, DemoFate.Refused, DemoFate.Refused, DemoFate.Suspended,
            DemoFate.Withdrawn, DemoFate.Expired, DemoFate.Expired];
        var rest = pool.Skip(labelled).Take(Math.Max(1, labelled * around.Length / 45)).ToList();
        drawn.AddRange(rest.Select((c, i) => (c, around[i % around.Length])));
        return drawn;
    }

    /// <summary>One cooperative's Ambassade as its label's steps left it, with its history, timers and enquiries.</summary>
    public void Ambassade(AmbassadorsDbContext db, RegisterCooperative cooperative, DemoFate fate)
    {
        var commune = places.FindCommune(cooperative.CommuneCode)!;
        // Labels granted over the label's whole term, more of them lately: the network is growing towards its target.
        var labelledOn = fate switch
        {
            DemoFate.Expired => today.AddYears(-options.LabelYears).AddDays(-random.Next(1, 300)),
            DemoFate.Applied => today,
            _ => today.AddDays(-(int)(Math.Sqrt(random.NextDouble()) * (options.LabelYears * 365 - 30))),
        };
        var appliedOn = fate == DemoFate.Applied ? today.AddDays(-random.Next(1, 40)) : labelledOn.AddDays(-random.Next(20, 60));
        var manager = new LabelActor(Guid.CreateVersion7(), PlatformRoles.CooperativeManager, null);
        var delegateOfUnion = new LabelActor(Guid.CreateVersion7(), PlatformRoles.Delegate, cooperative.RegionalUnion);
        var ambassade = new Ambassade
        {
            Id = Guid.CreateVersion7(At(appliedOn, 10)),
            CooperativeId = cooperative.Id,
            Name = cooperative.Name,
            LegalForm = cooperative.LegalForm,
            NafCode = cooperative.NafCode,
            NafDivision = cooperative.NafCode[..2],
            CommuneCode = commune.Code,
            Departement = commune.Commune.Departement,
            Region = commune.Commune.Region,
            RegionalUnion = cooperative.RegionalUnion,
            Status = LabelStatus.Applied,
            Motivation = Motivations[random.Next(Motivations.Length)],
            AppliedBy = manager.PersonId,
            AppliedAt = At(appliedOn, 10),
        };
        ambassade.PlaceAtCommune(commune.Position);
        db.Ambassades.Add(ambassade);
        var history = new List<AmbassadeHistoryLine>();
        void Line(string step, LabelStatus? from, LabelActor actor, DateTimeOffset at, string? reason = null, string? comment = null) =>
            history.Add(new AmbassadeHistoryLine
            {
                Id = Guid.CreateVersion7(at), AmbassadeId = ambassade.Id, Step = step, FromStatus = from, ToStatus = ambassade.Status,
                At = at, ActorPersonId = actor.PersonId, ActorRole = actor.Role, ActorRegionalUnion = actor.RegionalUnion,
                Reason = reason, Comment = comment,
            });
        Line("Applied", null, manager, ambassade.AppliedAt);

        if (fate == DemoFate.Applied && random.Next(2) == 0)
        {
            Counts[LabelStatus.Applied]++;
            Save(db, history);
            return; // not visited yet
        }

        var visitOn = fate == DemoFate.Applied ? today.AddDays(-1) : labelledOn.AddDays(-random.Next(1, 10));
        var criteriaMet = fate != DemoFate.Refused;
        ambassade.Review(delegateOfUnion.PersonId, visitOn, criteriaMet, true, criteriaMet || random.Next(2) == 0, true, At(visitOn, 16));
        Line("Reviewed", LabelStatus.Applied, delegateOfUnion, At(visitOn, 16), comment: $"Visit {visitOn:yyyy-MM-dd}.");
        if (fate == DemoFate.Applied)
        {
            Counts[LabelStatus.Applied]++;
            Save(db, history);
            return;
        }

        if (fate == DemoFate.Refused)
        {
            ambassade.Refuse(delegateOfUnion.PersonId, Refusals[random.Next(Refusals.Length)], At(labelledOn, 11));
            Line("Refused", LabelStatus.Applied, delegateOfUnion, At(labelledOn, 11), ambassade.Reason);
            Counts[LabelStatus.Refused]++;
            Save(db, history);
            return;
        }

        ambassade.Approve(delegateOfUnion.PersonId, options.LabelYears, labelledOn, At(labelledOn, 11));
        Line("Labelled", LabelStatus.Applied, delegateOfUnion, At(labelledOn, 11), comment: $"Until {ambassade.LabelEndsOn:yyyy-MM-dd}.");
        if (fate == DemoFate.Labelled && random.Next(5) == 0)
        {
            // The manager set the door: a few hundred metres from the commune's position.
            var centre = commune.Position!.Value;
            ambassade.PlaceAt(new GeoPoint(centre.Latitude + (random.NextDouble() - 0.5) * 0.01,
                centre.Longitude + (random.NextDouble() - 0.5) * 0.014));
            Line("Placed", LabelStatus.Labelled, manager, At(labelledOn.AddDays(random.Next(1, 20)), 9), comment: "The door set.");
        }

        var endedOn = ambassade.LabelEndsOn!.Value;
        var middle = labelledOn.AddDays(Math.Max(1, today.DayNumber - labelledOn.DayNumber) / 2);
        switch (fate)
        {
            case DemoFate.Suspended:
                ambassade.Suspend(delegateOfUnion.PersonId, Suspensions[random.Next(Suspensions.Length)], At(middle, 14));
                Line("Suspended", LabelStatus.Labelled, delegateOfUnion, At(middle, 14), ambassade.Reason);
                break;
            case DemoFate.Withdrawn:
                ambassade.Withdraw(delegateOfUnion.PersonId, Withdrawals[random.Next(Withdrawals.Length)], At(middle, 14));
                Line("Withdrawn", LabelStatus.Labelled, delegateOfUnion, At(middle, 14), ambassade.Reason);
                break;
            case DemoFate.Expired:
                ambassade.Expire();
                Line("Expired", LabelStatus.Labelled, LabelActor.Timer, ParisCalendar.StartOf(endedOn.AddDays(1)).ToUniversalTime(),
                    comment: $"The label ended on {endedOn:yyyy-MM-dd}.");
                break;
        }

        if (ambassade.Status is LabelStatus.Labelled or LabelStatus.Suspended)
        {
            // The label's two durable timers, as a decision sets them; a renewal notice already past was sent then.
            var ends = ParisCalendar.StartOf(endedOn.AddDays(1)).ToUniversalTime();
            var decided = At(labelledOn, 11);
            if (ends - options.RenewalNotice > now)
            {
                db.AddIntegrationEvent(new LabelRenewalNoticeDue(Guid.CreateVersion7(decided), decided, ambassade.Id, endedOn),
                    aggregateId: null, notBefore: ends - options.RenewalNotice);
            }
            else if (ambassade.Status == LabelStatus.Labelled)
            {
                Line("RenewalDue", ambassade.Status, LabelActor.Timer, ends - options.RenewalNotice,
                    comment: $"The label ends on {endedOn:yyyy-MM-dd}.");
            }

            db.AddIntegrationEvent(new LabelEndDue(Guid.CreateVersion7(decided), decided, ambassade.Id, endedOn), aggregateId: null,
                notBefore: ends);
        }

        Counts[ambassade.Status]++;
        Save(db, history);
        if (ambassade.Status == LabelStatus.Labelled)
        {
            AddEnquiries(db, ambassade, labelledOn);
        }
    }

    /// <summary>
    /// About one enquiry every two months over the last year (since the label): most answered within the five working
    /// days, some late after their escalation, a few withdrawn and erased; the recent ones still within their deadline,
    /// with their timers.
    /// </summary>
    private void AddEnquiries(AmbassadorsDbContext db, Ambassade ambassade, DateOnly labelledOn)
    {
        var from = DateOnly.FromDayNumber(Math.Max(labelledOn.DayNumber, today.AddYears(-1).DayNumber));
        var span = today.DayNumber - from.DayNumber;
        var count = random.Next(0, 2 + span / 50);
        for (var i = 0; i < count; i++)
        {
            var receivedAt = At(from.AddDays(random.Next(0, Math.Max(1, span))), 8 + random.Next(10)).AddMinutes(random.Next(60));
            if (receivedAt >= now)
            {
                continue;
            }

            var (dueOn, federationDueOn) = Enquiry.DeadlinesOf(receivedAt, ambassade.CommuneCode);
            var given = GivenNames[random.Next(GivenNames.Length)];
            var enquiry = new Enquiry
            {
                Id = Guid.CreateVersion7(receivedAt),
                AmbassadeId = ambassade.Id,
                CooperativeId = ambassade.CooperativeId,
                RegionalUnion = ambassade.RegionalUnion,
                Sector = random.Next(2) == 0 ? ambassade.NafDivision : Sectors[random.Next(Sectors.Length)],
                CommuneCode = ambassade.CommuneCode,
                ToNearest = random.Next(3) == 0,
                Project = Projects[random.Next(Projects.Length)],
                Name = $"{given} {(char)('A' + random.Next(26))}.",
                Email = $"{given.ToLowerInvariant()}.{random.Next(1000, 9999)}@example.org",
                ConsentToContact = true,
                FollowTokenHash = Enquiry.NewFollowToken().Hash, // nobody holds the demo's links
                Status = EnquiryStatus.Received,
                ReceivedAt = receivedAt,
                DueOn = dueOn,
                FederationDueOn = federationDueOn,
            };
            var roll = random.NextDouble();
            var answerDay = roll < 0.78 ? ParisCalendar.DateOf(receivedAt).AddDays(random.Next(0, dueOn.DayNumber - ParisCalendar.DateOf(receivedAt).DayNumber + 1))
                : roll < 0.9 ? dueOn.AddDays(random.Next(2, 12))
                : (DateOnly?)null;
            var answeredAt = answerDay is { } on ? At(on, 17) : (DateTimeOffset?)null;
            if (answeredAt < receivedAt.AddHours(1))
            {
                answeredAt = receivedAt.AddHours(1); // the same day, an hour after
            }

            if (answerDay is { } day && answeredAt < now)
            {
                if (day > dueOn)
                {
                    Escalate(enquiry, day);
                }

                enquiry.Status = EnquiryStatus.Answered;
                enquiry.Answer = Answers[random.Next(Answers.Length)];
                enquiry.AnsweredAt = answeredAt;
            }
            else if (roll > 0.96 && receivedAt.AddDays(3) < now)
            {
                enquiry.Withdraw(receivedAt.AddDays(3));
            }
            else
            {
                Escalate(enquiry, today);
                ArmTimers(db, enquiry);
            }

            db.Enquiries.Add(enquiry);
            Enquiries++;
        }
    }

    /// <summary>The escalations a still unanswered enquiry went through by <paramref name="day"/>.</summary>
    private static void Escalate(Enquiry enquiry, DateOnly day)
    {
        if (day > enquiry.DueOn)
        {
            enquiry.EscalatedToUnionAt = ParisCalendar.StartOf(enquiry.DueOn.AddDays(1)).ToUniversalTime();
        }

        if (day > enquiry.FederationDueOn)
        {
            enquiry.EscalatedToFederationAt = ParisCalendar.StartOf(enquiry.FederationDueOn.AddDays(1)).ToUniversalTime();
        }
    }

    /// <summary>The deadline timers an escalation is still to come from.</summary>
    private void ArmTimers(AmbassadorsDbContext db, Enquiry enquiry)
    {
        if (enquiry.EscalatedToUnionAt is null)
        {
            db.AddIntegrationEvent(new EnquiryDeadlineDue(Guid.CreateVersion7(enquiry.ReceivedAt), enquiry.ReceivedAt, enquiry.Id,
                EscalationLevels.Union, enquiry.DueOn), aggregateId: null, notBefore: ParisCalendar.StartOf(enquiry.DueOn.AddDays(1)).ToUniversalTime());
        }

        if (enquiry.EscalatedToFederationAt is null)
        {
            db.AddIntegrationEvent(new EnquiryDeadlineDue(Guid.CreateVersion7(enquiry.ReceivedAt), enquiry.ReceivedAt, enquiry.Id,
                EscalationLevels.Federation, enquiry.FederationDueOn), aggregateId: null,
                notBefore: ParisCalendar.StartOf(enquiry.FederationDueOn.AddDays(1)).ToUniversalTime());
        }
    }

    private static readonly string[] Sectors = ["10", "16", "25", "41", "43", "47", "56", "62", "71", "85", "88", "90"];

    /// <summary>Its membership current on the demo's day, as the service learns it (<see cref="SeedDemo"/>'s teaching).</summary>
    private bool IsCurrent(RegisterCooperative c) => c.PaidThrough is { } paid && paid.AddDays(MembershipGraceDays) >= today;

    /// <summary>The history in the order its steps happened (the identity column numbers them as they are inserted).</summary>
    private static void Save(AmbassadorsDbContext db, List<AmbassadeHistoryLine> history) => db.History.AddRange(history.OrderBy(l => l.At));

    private static DateTimeOffset At(DateOnly day, int hour) => ParisCalendar.StartOf(day).AddHours(hour).ToUniversalTime();
}
