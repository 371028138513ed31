using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Ambassadors.DemoData;

/// <summary>
/// The demo's inter-SCOP clubs: one in each of <c>N</c> employment areas (EPCI) drawn where the register's cooperatives
/// are (an area weighs as many cooperatives as it holds, so the clubs spread as the register does), each opened over the
/// last two years with its animators (who completed the animators' module), members of the area's cooperatives and
/// meetings every month or three, the people present among its own; a few stopped meeting half a year ago and are
/// dormant. As the clubs' steps leave them (the counters, the last meeting, the dormancy), with the dormancy timer of
/// each club still open; no event published. Deterministic for a given <see cref="Random"/> and moment.
/// </summary>
public sealed class DemoClubs(Random random, FrenchReferenceData reference, RegionalUnions unions, AmbassadorsOptions options,
    DateTimeOffset now)
{
    private static readonly string[] Places =
    [
        "Maison des coopératives", "Salle du conseil de l'union régionale", "Locaux d'une coopérative membre", "Tiers-lieu de l'agglomération",
        "Salle polyvalente de la mairie", "En visioconférence",
    ];

    private static readonly string[] Agendas =
    [
        "Tour de table des coopératives ; achats groupés d'énergie pour l'hiver.",
        "Recrutement et fidélisation : retours d'expérience ; la prochaine journée d'accueil des nouveaux salariés.",
        "Transmission d'entreprises du territoire : les reprises en cours repérées par la veille.",
        "Visite d'une coopérative membre ; la mutualisation d'un poste de comptable.",
        "Les marchés publics du territoire : répondre à plusieurs coopératives.",
        "Préparation de l'assemblée générale de l'union régionale ; la formation des élu·es.",
    ];

    private readonly DateOnly today = ParisCalendar.DateOf(now);

    public int Meetings { get; private set; }

    public int Dormant { get; private set; }

    /// <summary>
    /// <paramref name="count"/> areas drawn among those where the register has cooperatives, each as many times more likely
    /// as it holds cooperatives (without drawing one twice), with the cooperatives of each.
    /// </summary>
    public IReadOnlyList<(string Epci, IReadOnlyList<RegisterCooperative> Cooperatives)> Draw(IReadOnlyList<RegisterCooperative> register,
        int count)
    {
        var epciOf = reference.Communes.Where(c => c.Epci.Length > 0).ToDictionary(c => c.Code, c => c.Epci);
        var byArea = register.Where(c => epciOf.ContainsKey(c.CommuneCode)).GroupBy(c => epciOf[c.CommuneCode])
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (Epci: g.Key, Cooperatives: (IReadOnlyList<RegisterCooperative>)g.ToList()))
            .ToList();
        // Weighted sampling without replacement (Efraimidis–Spirakis): the largest u^(1/w).
        return byArea.Select(a => (Area: a, Key: Math.Pow(random.NextDouble(), 1.0 / a.Cooperatives.Count)))
            .OrderByDescending(a => a.Key).Take(count).Select(a => a.Area).ToList();
    }

    /// <summary>The club of one area, its people and its meetings; <paramref name="dormant"/>: it stopped meeting.</summary>
    public void Club(AmbassadorsDbContext db, string epci, IReadOnlyList<RegisterCooperative> cooperatives, bool dormant)
    {
        var epciName = reference.EpciName(epci)!;
        var region = reference.Communes.Where(c => c.Epci == epci).GroupBy(c => c.Region)
            .OrderByDescending(g => g.Sum(c => c.Population)).Select(g => g.Key).First();
        // Opened between two years and (for a dormant one, which met before falling silent) ten months ago.
        var openedOn = today.AddDays(-random.Next(dormant ? 300 : 60, 730));
        var openedAt = At(openedOn, 18);
        var club = new Club
        {
            Id = Guid.CreateVersion7(openedAt),
            Name = $"Club inter-SCOP {epciName}",
            Epci = epci,
            EpciName = epciName,
            Region = region,
            RegionalUnion = unions.ForRegion(region),
            Status = ClubStatus.Open,
            OpenedOn = openedOn,
            OpenedAt = openedAt,
            OpenedBy = Guid.CreateVersion7(openedAt), // the union's delegate
        };
        db.Clubs.Add(club);

        var people = new List<(Guid Person, DateTimeOffset JoinedAt)>();
        var animators = random.Next(1, 4);
        for (var i = 0; i < animators; i++)
        {
            // Each animator completed the animators' module before the opening.
            var animator = Guid.CreateVersion7(openedAt);
            db.QualifiedAnimators.Add(new QualifiedAnimator
            {
                PersonId = animator, CourseId = ModuleCourse, CompletedOn = openedOn.AddDays(-random.Next(20, 200)),
            });
            Add(animator, ClubRole.Animator, openedAt);
        }

        var members = random.Next(4, 16);
        for (var i = 0; i < members; i++)
        {
            Add(Guid.CreateVersion7(openedAt), ClubRole.Member, At(openedOn.AddDays(random.Next(0, 60)), 18));
        }

        // A meeting every one to three months from the opening; a dormant club's last one more than the dormancy ago.
        var lastPossible = dormant ? today.AddDays(-(int)options.ClubDormantAfter.TotalDays - random.Next(5, 60)) : today.AddDays(-1);
        var heldOn = openedOn.AddDays(random.Next(7, 30));
        while (heldOn <= lastPossible)
        {
            // About seven in ten of those who had joined by then.
            var present = people.Where(p => p.JoinedAt <= At(heldOn, 18)).Where(_ => random.NextDouble() < 0.7).Select(p => p.Person).ToList();
            var recordedAt = At(heldOn, 21);
            var communes = cooperatives.Select(c => c.CommuneCode).Distinct().ToList();
            db.ClubMeetings.Add(new ClubMeeting
            {
                Id = Guid.CreateVersion7(recordedAt),
                ClubId = club.Id,
                HeldOn = heldOn,
                Place = Places[random.Next(Places.Length)],
                CommuneCode = communes[random.Next(communes.Count)],
                Agenda = Agendas[random.Next(Agendas.Length)],
                Attendees = present,
                AttendanceCount = present.Count,
                RecordedAt = recordedAt,
            });
            club.MeetingCount++;
            club.LastMeetingOn = heldOn;
            Meetings++;
            heldOn = heldOn.AddDays(random.Next(30, 95));
        }

        // The dormancy timer of its current activity, as its last step armed it: fired already (dormant) or still waiting.
        var due = ParisCalendar.StartOf(club.ActiveSince).ToUniversalTime() + options.ClubDormantAfter;
        if (due <= now)
        {
            club.Status = ClubStatus.Dormant;
            club.DormantSince = club.ActiveSince;
            Dormant++;
        }
        else
        {
            var armedAt = club.LastMeetingOn is { } last ? At(last, 21) : openedAt;
            db.AddIntegrationEvent(new ClubDormancyDue(Guid.CreateVersion7(armedAt), armedAt, club.Id, club.ActiveSince), aggregateId: null,
                notBefore: due);
        }

        void Add(Guid person, ClubRole role, DateTimeOffset joinedAt)
        {
            var cooperative = cooperatives[random.Next(cooperatives.Count)];
            db.ClubParticipants.Add(new ClubParticipant
            {
                ClubId = club.Id, PersonId = person, Role = role, CooperativeId = cooperative.Id, LegalForm = cooperative.LegalForm,
                JoinedAt = joinedAt,
            });
            people.Add((person, joinedAt));
        }
    }

    /// <summary>The animators' module of training's elected-officials path, as the demo's completions name it.</summary>
    private static readonly Guid ModuleCourse = Guid.Parse("0195a3c4-1f00-7000-8000-00000000c1b0");

    private static DateTimeOffset At(DateOnly day, int hour) => ParisCalendar.StartOf(day).AddHours(hour).ToUniversalTime();
}
