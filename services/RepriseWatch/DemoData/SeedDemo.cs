using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.RepriseWatch.Features;
using Scop.Aspire.RepriseWatch.Features.Opportunities;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.RepriseWatch.DemoData;

/// <summary>
/// <c>dotnet run --project services/RepriseWatch -- seed-demo [--opportunities N] [--ConnectionStrings:reprisewatchdb=...]
/// [--ConnectionStrings:membershipdb=...]</c>: loads four years of a realistic watch for demonstrations and the bench —
/// opportunities over real communes with their reporters and every move of their history, pools of future managers with
/// proposals, seed-fund compartments with their funders and financing requests, premium years with the premiums granted.
/// <para>
/// It stands on membership's demo register (<c>seed-demo</c> there, loaded first): the register never published its
/// demo as events, so the watch learns its cooperatives and people here, read once from membership's database; the
/// reporters, volunteers and converted cooperatives are the register's. Deterministic over the same register, refuses to
/// load twice, publishes no events (the demo is not news); each open opportunity gets its stale timer, or its stale flag
/// when its last activity is older than the stale delay.
/// </para>
/// </summary>
public static class SeedDemo
{
    public const int DefaultOpportunities = 400;
    public const int Years = 4;
    public const int Volunteers = 300;

    public const string DefaultConnection = "Host=127.0.0.1;Port=25432;Username=scop;Database=reprisewatch";
    public const string DefaultRegisterConnection = "Host=127.0.0.1;Port=25432;Username=scop;Database=membership";

    /// <summary>The demo register's SIRENs (membership's <c>SeedDemo.SirenOf</c>): 8 digits from 90000000 and a key.</summary>
    private const string RegisterFirstSiren = "900000000";
    private const string RegisterLastSiren = "900099999";

    /// <summary>What a company does and what it is called for it: NAF codes of trades that often change hands.</summary>
    private static readonly (string Naf, string Trade)[] Trades =
    [
        ("43.21A", "Électricité"), ("43.22A", "Plomberie"), ("43.32A", "Menuiserie"), ("43.34Z", "Peinture"), ("43.91B", "Couverture"),
        ("41.20A", "Bâtiment"), ("25.62B", "Mécanique de précision"), ("28.29B", "Machines spéciales"), ("18.12Z", "Imprimerie"),
        ("10.71C", "Boulangerie"), ("56.10A", "Restaurant"), ("49.41A", "Transports"), ("33.12Z", "Maintenance industrielle"),
        ("16.23Z", "Charpente"), ("47.11F", "Supérette"), ("71.12B", "Bureau d'études"), ("62.02A", "Informatique"),
        ("81.30Z", "Paysage"), ("95.23Z", "Cordonnerie"), ("31.09B", "Ameublement"), ("22.22Z", "Emballages"), ("10.13B", "Charcuterie"),
    ];

    private static readonly string[] FamilyNames =
    [
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent",
        "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André",
        "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Le Gall", "Benali", "Nguyen", "Fabre", "Chevalier",
    ];

    private static readonly string[] NameForms = ["{0} {1}", "{0} {1} & Fils", "Établissements {1}", "{0} {1} SARL", "{1} {0}"];

    private static readonly string[] OtherCauses =
    [
        "Les associés fondateurs se séparent et cherchent une sortie pour l'équipe.",
        "Le dirigeant part s'installer à l'étranger.", "Succession familiale refusée par les héritiers.",
    ];

    private static readonly string[] Summaries =
    [
        "Carnet de commandes stable sur trois ans, rentabilité correcte ; l'équipe est prête à reprendre avec un chef d'atelier comme dirigeant.",
        "Marge faible mais clientèle fidèle ; la reprise tient avec un prêt participatif et l'apport des salariés.",
        "Bâtiment en location, matériel à renouveler en partie ; plan de financement à boucler avec le fonds d'amorçage.",
        "Le cédant accepte un étalement du prix ; six salariés sur dix prêts à entrer au capital.",
    ];

    private static readonly (LostReason Reason, string Comment)[] Losses =
    [
        (LostReason.SoldToAnotherBuyer, "Le cédant a accepté l'offre d'un concurrent."),
        (LostReason.OwnerWithdrew, "Le dirigeant a décidé de poursuivre encore quelques années."),
        (LostReason.NotViable, "Les comptes ne permettent pas une reprise viable."),
        (LostReason.NoFinancing, "Le plan de financement n'a pas pu être bouclé."),
        (LostReason.NoManagerFound, "Aucun salarié ne souhaite prendre la direction."),
        (LostReason.EmployeesDeclined, "Les salariés n'ont pas souhaité entrer au capital."),
        (LostReason.Liquidated, "Liquidation prononcée avant la fin de l'étude."),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{ResourceNames.RepriseWatchDatabase}"] =
                builder.Configuration.GetConnectionString(ResourceNames.RepriseWatchDatabase) ?? DefaultConnection,
            ["Scop:MigrateAtStart"] = "false",
        });
        var registerConnection = builder.Configuration.GetConnectionString(ResourceNames.MembershipDatabase) ?? DefaultRegisterConnection;
        var opportunities = builder.Configuration.GetValue("opportunities", DefaultOpportunities);
        if (opportunities is < 1 or > 100_000)
        {
            Console.Error.WriteLine("--opportunities takes a number from 1 to 100000.");
            return 2;
        }

        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.AddServiceDatabase<RepriseWatchDbContext>(ResourceNames.RepriseWatchDatabase);
        var reference = FrenchReferenceData.Load();
        var staleAfter = builder.Configuration.GetSection(RepriseWatchOptions.Section).Get<RepriseWatchOptions>()?.StaleAfter
            ?? new RepriseWatchOptions().StaleAfter;
        await using var services = builder.Services.BuildServiceProvider();

        var clock = Stopwatch.StartNew();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RepriseWatchDbContext>();
            Console.WriteLine("Applying migrations…");
            await db.Database.MigrateAsync();
            if (await db.Opportunities.AnyAsync(o => o.Siren == SirenOf(0)))
            {
                Console.WriteLine("The demo watch is already loaded (its first opportunity exists); nothing to do.");
                return 0;
            }
        }

        Console.WriteLine("Reading membership's demo register…");
        var register = await DemoRegister.ReadAsync(registerConnection);
        if (register.Cooperatives.Count == 0)
        {
            Console.Error.WriteLine("Membership's demo register is not loaded: run 'dotnet run --project services/Membership -- seed-demo' first.");
            return 1;
        }

        var now = DateTimeOffset.UtcNow;
        var world = new DemoWatch(new Random(2026), reference, RegionalUnions.From(builder.Configuration, reference), register, now,
            staleAfter);
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RepriseWatchDbContext>();
            await register.TeachAsync(db, world.PathCompleted);
            Console.WriteLine($"The watch knows the register: {register.Cooperatives.Count} cooperatives, {register.People.Count} people ({clock.Elapsed.TotalSeconds:0.0} s)");
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RepriseWatchDbContext>();
            db.AddRange(world.Compartments);
            db.AddRange(world.Contributions);
            db.AddRange(world.PremiumYears);
            db.AddRange(world.TopUps);
            db.AddRange(world.Pool);
            await db.SaveChangesAsync();
        }

        const int batch = 500;
        for (var start = 0; start < opportunities; start += batch)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RepriseWatchDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(start + batch, opportunities); i++)
            {
                world.Opportunity(db, i, opportunities);
            }

            await db.SaveChangesAsync();
            Console.WriteLine($"{Math.Min(start + batch, opportunities),6} / {opportunities} opportunities ({clock.Elapsed.TotalSeconds:0.0} s)");
        }

        // What the requests and premiums took, now that they are all written: the totals the conditional updates keep.
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RepriseWatchDbContext>();
            await db.Database.ExecuteSqlRawAsync(
                """
                UPDATE fund_compartments c SET committed = coalesce((
                    SELECT sum(p.amount) FROM financing_parts p JOIN financing_requests r ON r.id = p.request_id
                    WHERE p.compartment_id = c.id AND r.status <> 'Refused'), 0);
                UPDATE premium_years y SET granted = coalesce((SELECT sum(amount) FROM job_premiums p WHERE p.year = y.year), 0);
                """);
            // Statistics for the planner and the visibility map for index-only scans now, not at autovacuum's next pass:
            // the first pipeline reads would otherwise be planned for empty tables and visit the heap for every row.
            await db.Database.ExecuteSqlRawAsync(
                """
                VACUUM (ANALYZE) opportunities, opportunity_reporters, opportunity_moves, cooperatives, people, pool_volunteers,
                    candidate_proposals, fund_compartments, financing_requests, financing_parts, job_premiums
                """);
        }

        Console.WriteLine($"Loaded {opportunities} opportunities, {world.Pool.Count} volunteers, {world.Compartments.Count} compartments, " +
            $"{world.PremiumsGranted} premiums in {clock.Elapsed.TotalSeconds:0.0} s.");
        return 0;
    }

    /// <summary>The demo companies' SIRENs: 8 digits from 80000000 and their Luhn key, apart from the register's.</summary>
    public static string SirenOf(int index)
    {
        var digits = (80_000_000 + index).ToString("D8", CultureInfo.InvariantCulture);
        return digits + Siren.LuhnKey(digits);
    }

    /// <summary>Membership's demo register as the watch needs it: its cooperatives and the people working in each.</summary>
    private sealed record DemoRegister(IReadOnlyList<RegisterCooperative> Cooperatives, IReadOnlyList<RegisterPerson> People)
    {
        public static async Task<DemoRegister> ReadAsync(string connectionString)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var cooperatives = new List<RegisterCooperative>();
            await using (var command = new NpgsqlCommand(
                "SELECT id, siren, regional_union, registered_at, headcount FROM cooperatives WHERE siren BETWEEN @first AND @last ORDER BY siren",
                connection))
            {
                command.Parameters.AddWithValue("first", RegisterFirstSiren);
                command.Parameters.AddWithValue("last", RegisterLastSiren);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    cooperatives.Add(new RegisterCooperative(reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
                        reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetInt32(4)));
                }
            }

            // Each person once, in the cooperative of their earliest current role; ordered so the draws repeat.
            var people = new List<RegisterPerson>();
            await using (var command = new NpgsqlCommand(
                """
                SELECT DISTINCT ON (r.person_id) r.person_id, r.cooperative_id
                FROM person_roles r JOIN cooperatives c ON c.id = r.cooperative_id
                WHERE c.siren BETWEEN @first AND @last AND (r.ends_on IS NULL OR r.ends_on > current_date)
                ORDER BY r.person_id, r.starts_on
                """, connection))
            {
                command.Parameters.AddWithValue("first", RegisterFirstSiren);
                command.Parameters.AddWithValue("last", RegisterLastSiren);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    people.Add(new RegisterPerson(reader.GetGuid(0), reader.GetGuid(1)));
                }
            }

            var order = cooperatives.Select((c, i) => (c.Id, i)).ToDictionary(x => x.Id, x => x.i);
            return new DemoRegister(cooperatives, [.. people.OrderBy(p => order[p.CooperativeId]).ThenBy(p => p.Id)]);
        }

        /// <summary>
        /// Writes the register into the watch's own copy of it, as membership's events would have (a fact already
        /// learned from an event stays).
        /// </summary>
        public async Task TeachAsync(RepriseWatchDbContext db, IReadOnlyDictionary<Guid, DateOnly> pathCompleted)
        {
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO cooperatives (id, siren, regional_union, region_stated_at, declared_headcount)
                SELECT * FROM unnest({Cooperatives.Select(c => c.Id).ToArray()}, {Cooperatives.Select(c => c.Siren).ToArray()},
                    {Cooperatives.Select(c => c.RegionalUnion).ToArray()}, {Cooperatives.Select(c => c.RegisteredAt).ToArray()},
                    {Cooperatives.Select(c => c.Headcount).ToArray()})
                ON CONFLICT DO NOTHING
                """);
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO people (id, cooperative_id, managers_path_completed_on, erased)
                SELECT id, cooperative_id, completed, false
                FROM unnest({People.Select(p => p.Id).ToArray()}, {People.Select(p => p.CooperativeId).ToArray()},
                    {People.Select(p => pathCompleted.TryGetValue(p.Id, out var on) ? on : (DateOnly?)null).ToArray()})
                    AS register (id, cooperative_id, completed)
                ON CONFLICT DO NOTHING
                """);
        }
    }

    private sealed record RegisterCooperative(Guid Id, string Siren, string RegionalUnion, DateTimeOffset RegisteredAt, int? Headcount);

    private sealed record RegisterPerson(Guid Id, Guid CooperativeId);

    /// <summary>The draws of the demo watch, in a fixed order so that the same register gives the same watch.</summary>
    private sealed class DemoWatch
    {
        private readonly Random random;
        private readonly DemoRegister register;
        private readonly DateTimeOffset now;
        private readonly DateTimeOffset start;
        private readonly TimeSpan staleAfter;
        private readonly CommuneDraw communes;
        private readonly Func<string, string> unionOf;
        private readonly Dictionary<string, RegisterPerson[]> peopleByUnion;
        private readonly Dictionary<string, Queue<RegisterCooperative>> successorsByUnion;
        private readonly Dictionary<string, PoolVolunteer[]> poolByUnion;
        private readonly Dictionary<Guid, RegisterCooperative> cooperativeOf;

        public DemoWatch(Random random, FrenchReferenceData reference, RegionalUnions regionalUnions, DemoRegister register,
            DateTimeOffset now, TimeSpan staleAfter)
        {
            this.random = random;
            this.register = register;
            this.now = now;
            this.staleAfter = staleAfter;
            start = now.AddYears(-Years);
            cooperativeOf = register.Cooperatives.ToDictionary(c => c.Id);
            var unions = register.Cooperatives.Select(c => c.RegionalUnion).Distinct().Order(StringComparer.Ordinal).ToArray();

            // Companies where people live, as membership's demo spreads its cooperatives.
            communes = new CommuneDraw(reference, minimumPopulation: 1_000);

            unionOf = regionalUnions.ForRegion;
            peopleByUnion = register.People.GroupBy(p => cooperativeOf[p.CooperativeId].RegionalUnion)
                .ToDictionary(g => g.Key, g => g.ToArray());
            successorsByUnion = register.Cooperatives.GroupBy(c => c.RegionalUnion)
                .ToDictionary(g => g.Key, g => new Queue<RegisterCooperative>(g.OrderBy(_ => random.Next())));

            // Volunteers for the pools: people of every union, a third of them through the managers' path already.
            var volunteers = register.People.OrderBy(_ => random.Next()).Take(Volunteers).ToArray();
            foreach (var person in volunteers)
            {
                var at = Between(start, now.AddDays(-7));
                Pool.Add(new PoolVolunteer
                {
                    PersonId = person.Id,
                    NafDivisions = [.. Trades.OrderBy(_ => random.Next()).Take(random.Next(1, 5)).Select(t => t.Naf[..2]).Distinct()],
                    CompanySizes = [.. Enum.GetValues<CompanySize>().Where(s => s != CompanySize.From250 && random.NextDouble() < 0.6)
                        .DefaultIfEmpty(CompanySize.Under10).Select(s => s.ToString())],
                    VolunteeredAt = at,
                    UpdatedAt = at,
                });
                if (random.NextDouble() < 0.35)
                {
                    PathCompleted[person.Id] = DateOnly.FromDateTime(Between(start, now).UtcDateTime);
                }
            }

            var cooperativeOfPerson = volunteers.ToDictionary(p => p.Id, p => p.CooperativeId);
            poolByUnion = Pool.GroupBy(v => cooperativeOf[cooperativeOfPerson[v.PersonId]].RegionalUnion)
                .ToDictionary(g => g.Key, g => g.ToArray());
            Fund(unions);
            Premiums(unions);
        }

        public List<FundCompartment> Compartments { get; } = [];

        public List<FundContribution> Contributions { get; } = [];

        public List<PremiumYear> PremiumYears { get; } = [];

        public List<RegionalTopUp> TopUps { get; } = [];

        public List<PoolVolunteer> Pool { get; } = [];

        public Dictionary<Guid, DateOnly> PathCompleted { get; } = [];

        public int PremiumsGranted { get; private set; }

        private Dictionary<int, long> premiumBudgetLeft = [];

        private Dictionary<Guid, long> compartmentLeft = [];

        /// <summary>Opportunity <paramref name="index"/> of <paramref name="count"/>: reported, then moved as far as its dates allow.</summary>
        public void Opportunity(RepriseWatchDbContext db, int index, int count)
        {
            var commune = communes.Next(random);
            var union = unionOf(commune.Region);
            var (naf, trade) = Trades[random.Next(Trades.Length)];
            var family = FamilyNames[random.Next(FamilyNames.Length)];
            var name = string.Format(CultureInfo.InvariantCulture, NameForms[random.Next(NameForms.Length)], trade, family);
            var headcount = (int)Math.Round(Math.Exp(random.NextDouble() * 4.2)) + 2;
            var cause = random.NextDouble() switch
            {
                < 0.55 => TakeoverCause.OwnerRetiring, < 0.7 => TakeoverCause.NoSuccessor, < 0.82 => TakeoverCause.Receivership,
                < 0.92 => TakeoverCause.GroupSellingSite, _ => TakeoverCause.Other,
            };
            // Reports spread over the four years, a little more of them lately (the watch gets known).
            var reportedAt = start + (now.AddDays(-1) - start) * Math.Sqrt((index + random.NextDouble()) / count);
            var facts = new OpportunityFacts(SirenOf(index), name, naf, commune.Code, headcount, cause,
                cause == TakeoverCause.OwnerRetiring ? (OwnerAgeBand)random.Next(1, 5) : null,
                cause == TakeoverCause.Other ? OtherCauses[random.Next(OtherCauses.Length)] : null,
                random.NextDouble() < 0.4 ? DateOnly.FromDateTime(reportedAt.AddDays(random.Next(90, 720)).UtcDateTime) : null,
                random.NextDouble() switch { < 0.6 => Confidentiality.Open, < 0.9 => Confidentiality.Restricted, _ => Confidentiality.Confidential });
            var opportunity = Domain.Opportunity.Report(facts, union, reportedAt);
            db.Opportunities.Add(opportunity);
            var reporter = Reporter(union);
            AddReporter(db, opportunity, reporter, reportedAt);
            Pipeline.Record(db, opportunity, null, Reporting(reporter), reportedAt);

            // A second reporter now and then: the same company reported twice is one opportunity.
            if (random.NextDouble() < 0.12 && Later(reportedAt, 3, 60) is { } again)
            {
                AddReporter(db, opportunity, Reporter(union), again);
                opportunity.ReportedAgain(opportunity.Confidentiality, again);
            }

            var delegated = new Actor(null, PlatformRoles.Delegate, union);
            var fate = random.NextDouble();
            if (!Step(db, opportunity, delegated, 5, 45, fate < 0.12, at => opportunity.Qualify(DateOnly.FromDateTime(at.AddDays(-2).UtcDateTime),
                    Math.Max(1, (int)(headcount * (0.6 + random.NextDouble() * 0.4))), at)))
            {
                return;
            }

            if (!Step(db, opportunity, delegated, 15, 90, fate < 0.3, opportunity.StartFeasibility))
            {
                return;
            }

            Propose(db, opportunity, delegated);
            if (!Step(db, opportunity, delegated, 30, 120, fate < 0.45, at => opportunity.StartFinancing(Summaries[random.Next(Summaries.Length)], at)))
            {
                return;
            }

            var request = Finance(db, opportunity, union, approved: fate >= 0.55);
            if (fate < 0.55)
            {
                if (Later(opportunity.LastActivityAt, 20, 90) is { } lost)
                {
                    Lose(db, opportunity, delegated, lost, LostReason.NoFinancing);
                    Refuse(request, lost);
                }
                else
                {
                    StillOpen(db, opportunity);
                }

                return;
            }

            if (Later(opportunity.LastActivityAt, 30, 150) is not { } joined
                || !successorsByUnion.TryGetValue(union, out var successors) || !successors.TryDequeue(out var successor))
            {
                StillOpen(db, opportunity);
                return;
            }

            // The team's new cooperative joined the register: the watch converted it, and the premium followed.
            opportunity.LinkSuccessor(successor.Siren, opportunity.LastActivityAt);
            opportunity.Convert(successor.Id, opportunity.JobsKeptBy(successor.Headcount), joined);
            Pipeline.Record(db, opportunity, Stage.Financing, Actor.Register, joined);
            Grant(db, opportunity, successor, joined);
        }

        /// <summary>
        /// Takes the next step <paramref name="minDays"/> to <paramref name="maxDays"/> days after the last one, if that is
        /// in the past; or loses the opportunity there when <paramref name="lose"/>. False when the history stops here.
        /// </summary>
        private bool Step(RepriseWatchDbContext db, Opportunity opportunity, Actor actor, int minDays, int maxDays, bool lose,
            Action<DateTimeOffset> step)
        {
            var from = opportunity.Stage;
            if (Later(opportunity.LastActivityAt, minDays, maxDays) is not { } at)
            {
                StillOpen(db, opportunity);
                return false;
            }

            if (lose)
            {
                var (reason, _) = Losses[random.Next(Losses.Length)];
                Lose(db, opportunity, actor, at, reason);
                return false;
            }

            step(at);
            Pipeline.Record(db, opportunity, from, actor, at);
            return true;
        }

        private void Lose(RepriseWatchDbContext db, Opportunity opportunity, Actor actor, DateTimeOffset at, LostReason reason)
        {
            var from = opportunity.Stage;
            var comment = Losses.First(l => l.Reason == reason).Comment;
            opportunity.Lose(reason, comment, at);
            Pipeline.Record(db, opportunity, from, actor, at, reason.ToString(), comment);
        }

        /// <summary>An open opportunity at the end of its history: flagged stale if quiet for too long, else its timer set.</summary>
        private void StillOpen(RepriseWatchDbContext db, Opportunity opportunity)
        {
            if (opportunity.LastActivityAt + staleAfter <= now)
            {
                opportunity.FlagStale(opportunity.LastActivityAt + staleAfter);
            }
            else
            {
                Pipeline.Active(db, opportunity, staleAfter, opportunity.LastActivityAt);
            }
        }

        private RegisterPerson Reporter(string union) =>
            peopleByUnion.TryGetValue(union, out var people) ? people[random.Next(people.Length)] : register.People[random.Next(register.People.Count)];

        private static Actor Reporting(RegisterPerson reporter) => new(reporter.Id, PlatformRoles.Member, null);

        private static void AddReporter(RepriseWatchDbContext db, Opportunity opportunity, RegisterPerson person, DateTimeOffset at) =>
            db.Reporters.Add(new OpportunityReporter
            {
                Id = Guid.CreateVersion7(at),
                OpportunityId = opportunity.Id,
                PersonId = person.Id,
                CooperativeId = person.CooperativeId,
                ReportedAt = at,
                Confidentiality = opportunity.Confidentiality,
            });

        /// <summary>One to three volunteers of the union proposed at feasibility; one of them accepted if it converts.</summary>
        private void Propose(RepriseWatchDbContext db, Opportunity opportunity, Actor actor)
        {
            if (!poolByUnion.TryGetValue(opportunity.RegionalUnion, out var pool))
            {
                return;
            }

            foreach (var volunteer in pool.OrderBy(_ => random.Next()).Take(random.Next(1, 4)))
            {
                var at = opportunity.LastActivityAt.AddDays(random.Next(1, 20));
                var answered = at.AddDays(random.Next(5, 40));
                var outcome = answered > now ? ProposalOutcome.Proposed : random.NextDouble() < 0.4 ? ProposalOutcome.Accepted : ProposalOutcome.Declined;
                db.Proposals.Add(new CandidateProposal
                {
                    Id = Guid.CreateVersion7(at),
                    OpportunityId = opportunity.Id,
                    PersonId = volunteer.PersonId,
                    ProposedAt = at > now ? now : at,
                    ProposedByRole = actor.Role,
                    Outcome = outcome,
                    OutcomeAt = outcome == ProposalOutcome.Proposed ? null : answered,
                });
            }
        }

        /// <summary>A request at the financing stage: the union's compartment first, the national one for the rest.</summary>
        private FinancingRequest? Finance(RepriseWatchDbContext db, Opportunity opportunity, string union, bool approved)
        {
            var wanted = Math.Min(250_000, 5_000L * (opportunity.JobsAtStake ?? opportunity.Headcount) + 1_000L * random.Next(0, 40));
            var parts = new List<FinancingPart>();
            var id = Guid.CreateVersion7(opportunity.LastActivityAt);
            foreach (var compartment in Compartments.Where(c => c.Serves(union)).OrderByDescending(c => c.Reach))
            {
                var amount = Math.Min(wanted - parts.Sum(p => p.Amount), compartmentLeft[compartment.Id]);
                if (amount > 0)
                {
                    parts.Add(new FinancingPart { RequestId = id, CompartmentId = compartment.Id, Amount = amount });
                    compartmentLeft[compartment.Id] -= amount;
                }
            }

            if (parts.Count == 0)
            {
                return null; // the fund is spent: the takeover is financed elsewhere
            }

            var decided = opportunity.LastActivityAt.AddDays(random.Next(7, 30));
            var request = new FinancingRequest
            {
                Id = id,
                OpportunityId = opportunity.Id,
                RegionalUnion = union,
                Amount = parts.Sum(p => p.Amount),
                Status = approved && decided <= now ? FinancingStatus.Approved : FinancingStatus.Requested,
                RequestedAt = opportunity.LastActivityAt,
                RequestedByRole = PlatformRoles.Delegate,
                DecidedAt = approved && decided <= now ? decided : null,
                DecidedByRole = approved && decided <= now ? PlatformRoles.Federation : null,
                Parts = parts,
            };
            db.FinancingRequests.Add(request);
            return request;
        }

        private void Refuse(FinancingRequest? request, DateTimeOffset at)
        {
            if (request is null)
            {
                return;
            }

            request.Status = FinancingStatus.Refused;
            request.DecidedAt = at;
            request.DecidedByRole = PlatformRoles.Federation;
            request.DecisionComment = "Plan de financement incomplet : les autres financeurs se sont retirés.";
            foreach (var part in request.Parts)
            {
                compartmentLeft[part.CompartmentId] += part.Amount;
            }
        }

        /// <summary>The year's premium for the converted takeover, while the year's budget lasts; the bank's answer after.</summary>
        private void Grant(RepriseWatchDbContext db, Opportunity opportunity, RegisterCooperative cooperative, DateTimeOffset joined)
        {
            var grantedAt = joined.AddDays(random.Next(10, 60));
            var year = PremiumYears.FirstOrDefault(y => y.Year == grantedAt.Year);
            var jobs = opportunity.JobsKept ?? 0;
            if (grantedAt > now || year is null || jobs == 0 || premiumBudgetLeft[year.Year] < jobs * year.AmountPerJob)
            {
                return;
            }

            premiumBudgetLeft[year.Year] -= jobs * year.AmountPerJob;
            var topUp = TopUps.FirstOrDefault(t => t.Year == year.Year && t.RegionalUnion == cooperative.RegionalUnion);
            var answeredAt = grantedAt.AddDays(random.Next(5, 45));
            var loan = answeredAt > now ? LoanStatus.Asked : random.NextDouble() < 0.85 ? LoanStatus.Accepted : LoanStatus.Refused;
            var id = Guid.CreateVersion7(grantedAt);
            db.Premiums.Add(new JobPremium
            {
                Id = id,
                CooperativeId = cooperative.Id,
                Siren = cooperative.Siren,
                RegionalUnion = cooperative.RegionalUnion,
                OpportunityId = opportunity.Id,
                Year = year.Year,
                Jobs = jobs,
                AmountPerJob = year.AmountPerJob,
                Amount = jobs * year.AmountPerJob,
                RegionalTopUp = topUp?.For(jobs) ?? 0,
                GrantedAt = grantedAt,
                GrantedByRole = PlatformRoles.Federation,
                PartnerCode = year.PartnerCode,
                LoanStatus = loan,
                LoanReference = loan == LoanStatus.Accepted ? $"PTZ-{year.Year}-{PremiumsGranted + 1:D5}" : null,
                LoanRefusalReason = loan == LoanStatus.Refused ? "Fonds propres insuffisants au regard du prêt demandé." : null,
                LoanAnsweredAt = loan == LoanStatus.Asked ? null : answeredAt,
            });
            PremiumsGranted++;
        }

        /// <summary>A national compartment, one per union, and an inter-regional one for the west; their funders.</summary>
        private void Fund(string[] unions)
        {
            FundCompartment Open(string name, CompartmentReach reach, string[] served, params (string Code, FunderKind Kind, string Name, long Amount)[] funders)
            {
                var createdAt = start.AddDays(random.Next(0, 60));
                var compartment = new FundCompartment
                {
                    Id = Guid.CreateVersion7(createdAt), Name = name, Reach = reach, RegionalUnions = served,
                    Holds = funders.Sum(f => f.Amount), CreatedAt = createdAt,
                };
                Compartments.Add(compartment);
                compartmentLeft[compartment.Id] = compartment.Holds;
                foreach (var (code, kind, funder, amount) in funders)
                {
                    Contributions.Add(new FundContribution
                    {
                        Id = Guid.CreateVersion7(createdAt), CompartmentId = compartment.Id, PartnerCode = code, Kind = kind,
                        FunderName = funder, Amount = amount, CommittedAt = createdAt,
                    });
                }

                return compartment;
            }

            Open("Fonds d'amorçage national", CompartmentReach.National, [],
                ("credit-cooperatif", FunderKind.Bank, "Crédit Coopératif", 2_000_000),
                ("macif", FunderKind.Mutual, "Macif", 1_000_000));
            foreach (var union in unions)
            {
                Open($"Compartiment {union}", CompartmentReach.Regional, [union],
                    ($"region-{union.Replace("urscop-", "", StringComparison.Ordinal)}", FunderKind.Region, $"Région ({union})",
                        200_000 + 50_000L * random.Next(0, 8)));
            }

            if (unions.Length >= 2)
            {
                Open("Compartiment interrégional", CompartmentReach.InterRegional, unions[..2],
                    ("credit-cooperatif", FunderKind.Bank, "Crédit Coopératif", 500_000));
            }
        }

        /// <summary>Four premium years, the amount per job rising, and top-ups in a third of the unions.</summary>
        private void Premiums(string[] unions)
        {
            for (var year = now.Year - Years + 1; year <= now.Year; year++)
            {
                var premiumYear = new PremiumYear
                {
                    Year = year, AmountPerJob = 1_000 + 250 * (year - now.Year + Years - 1), Budget = 1_500_000,
                    PartnerCode = "credit-cooperatif",
                };
                PremiumYears.Add(premiumYear);
                premiumBudgetLeft[year] = premiumYear.Budget;
                foreach (var union in unions.Where((_, i) => i % 3 == year % 3))
                {
                    TopUps.Add(new RegionalTopUp { Year = year, RegionalUnion = union, AmountPerJob = 500, Ceiling = 15_000 });
                }
            }
        }

        private DateTimeOffset? Later(DateTimeOffset after, int minDays, int maxDays)
        {
            var at = after.AddDays(random.Next(minDays, maxDays)).AddMinutes(random.Next(0, 600));
            return at <= now ? at : null;
        }

        private DateTimeOffset Between(DateTimeOffset from, DateTimeOffset to) => from + (to - from) * random.NextDouble();
    }
}
