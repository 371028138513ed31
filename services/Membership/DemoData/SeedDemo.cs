using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Data;

namespace Scop.Aspire.Membership.DemoData;

/// <summary>
/// <c>dotnet run --project services/Membership -- seed-demo [--ConnectionStrings:membershipdb=...]</c>: loads a
/// realistic register for demonstrations and the bench — 1,600 cooperatives over real communes (weighted by
/// population), 36,000 people with their roles and cards, memberships in every status. Deterministic (same data every
/// time), refuses to load twice, and publishes no events (the demo register is not news to the other services).
/// </summary>
public static class SeedDemo
{
    public const int Cooperatives = 1_600;
    public const int People = 36_000;

    /// <summary>The local-mode database of the AppHost (see README), when no connection string is given.</summary>
    public const string DefaultConnection = "Host=127.0.0.1;Port=25432;Username=scop;Database=membership";

    private static readonly string[] NafCodes =
    [
        "43.21A", "43.22A", "43.31Z", "43.32A", "43.34Z", "41.20A", "71.12B", "62.01Z", "62.02A", "70.22Z", "73.11Z",
        "18.12Z", "25.62B", "28.29B", "33.12Z", "56.10A", "85.59A", "88.10A", "49.41A", "81.21Z", "74.10Z", "47.11F",
        "16.23Z", "58.14Z", "90.01Z", "01.13Z", "10.71C", "96.02A",
    ];

    private static readonly string[] NameWords =
    [
        "Atelier", "Coopérative", "Les Compagnons", "Bâtisseurs", "Ensemble", "L'Équipage", "Terre", "Horizon", "Solidaire",
        "Le Maillon", "La Fabrique", "Les Artisans", "Alternative", "Avenir", "Le Chantier", "Cap", "Scopéo", "Énergie",
    ];

    private static readonly string[] NameSuffixes =
    [
        "du Rhône", "de l'Ouest", "Bois", "Numérique", "Conseil", "Imprimerie", "Bâtiment", "Services", "Transports",
        "Paysage", "Études", "Formation", "Électricité", "Menuiserie", "Restauration", "Communication", "Industrie", "Santé",
    ];

    private static readonly string[] GivenNames =
    [
        "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Sarah", "Julie", "Claire", "Nadia", "Lucas", "Hugo", "Thomas",
        "Nicolas", "Julien", "Karim", "Mehdi", "Pierre", "Antoine", "Maxime", "Sophie", "Élise", "Yann", "Gaëlle", "Mathieu",
    ];

    private static readonly string[] FamilyNames =
    [
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent",
        "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André",
        "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Le Gall", "Benali", "Nguyen",
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (builder.Configuration.GetConnectionString(ResourceNames.MembershipDatabase) is null)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"ConnectionStrings:{ResourceNames.MembershipDatabase}"] = DefaultConnection,
            });
        }

        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Scop:MigrateAtStart"] = "false" });
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning); // the progress lines, not every INSERT
        builder.AddServiceDatabase<MembershipDbContext>(ResourceNames.MembershipDatabase);
        var reference = FrenchReferenceData.Load();
        var unions = RegionalUnions.From(builder.Configuration, reference);
        await using var services = builder.Services.BuildServiceProvider();

        var clock = Stopwatch.StartNew();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MembershipDbContext>();
            Console.WriteLine("Applying migrations…");
            await db.Database.MigrateAsync();
            if (await db.Cooperatives.AnyAsync(c => c.Siren == SirenOf(0)))
            {
                Console.WriteLine("The demo data is already loaded (its first cooperative exists); nothing to do.");
                return 0;
            }
        }

        var random = new Random(2004);
        var today = ParisCalendar.Today(TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        var communes = new CommuneDraw(reference, minimumPopulation: 1_000);

        var headcounts = Headcounts(random);
        var peopleDone = 0;
        const int batch = 100;
        for (var start = 0; start < Cooperatives; start += batch)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MembershipDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(start + batch, Cooperatives); i++)
            {
                var commune = communes.Next(random);
                var legalForm = random.NextDouble() switch { < 0.75 => LegalForm.Scop, < 0.95 => LegalForm.Scic, _ => LegalForm.Cae };
                var name = $"{NameWords[random.Next(NameWords.Length)]} {NameSuffixes[random.Next(NameSuffixes.Length)]} {i + 1}";
                var cooperative = Cooperative.Register(name, SirenOf(i), legalForm, commune.Code, NafCodes[random.Next(NafCodes.Length)],
                    unions.ForRegion(commune.Region), now);
                var headcount = headcounts[i];
                var workerMembers = (int)Math.Round(headcount * (0.4 + random.NextDouble() * 0.5));
                cooperative.Describe(new CooperativeDetails($"{random.Next(1, 200)} rue de la Coopération",
                    commune.Code.StartsWith("2A", StringComparison.Ordinal) || commune.Code.StartsWith("2B", StringComparison.Ordinal)
                        ? "20000" : commune.Code, random.NextDouble() < 0.3 ? ["scop-btp"] : [], headcount, workerMembers,
                    random.NextDouble() < 0.8, today.AddDays(-random.Next(365, 365 * 60))));
                db.Cooperatives.Add(cooperative);
                db.Memberships.Add(Membership(cooperative, random, today, now));

                for (var p = 0; p < headcount; p++)
                {
                    var hiredOn = today.AddDays(-random.Next(30, 365 * 25));
                    var person = Person.Hire(GivenNames[random.Next(GivenNames.Length)], FamilyNames[random.Next(FamilyNames.Length)],
                        null, null, null, cooperative, p == 0 ? RoleKind.Manager : RoleKind.Employee, hiredOn, now);
                    if (p < workerMembers)
                    {
                        person.StartRole(RoleKind.WorkerMember, hiredOn.AddDays(random.Next(0, 700)) is var joined && joined > today ? today : joined);
                    }

                    db.People.Add(person);
                    peopleDone++;
                }
            }

            await db.SaveChangesAsync();
            Console.WriteLine($"{Math.Min(start + batch, Cooperatives),5} / {Cooperatives} cooperatives, {peopleDone,6} / {People} people ({clock.Elapsed.TotalSeconds:0.0} s)");
        }

        // Statistics for the planner now, not at autovacuum's next pass: the first searches of a freshly loaded register
        // would otherwise be planned for the empty tables the migrations created.
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<MembershipDbContext>().Database
                .ExecuteSqlRawAsync("ANALYZE cooperatives, people, person_roles, memberships, membership_term");
        }

        Console.WriteLine($"Loaded {Cooperatives} cooperatives and {peopleDone} people in {clock.Elapsed.TotalSeconds:0.0} s.");
        return 0;
    }

    /// <summary>The demo SIRENs: 8 digits from 90000000 and their Luhn key, so they never collide with each other.</summary>
    public static string SirenOf(int index)
    {
        var digits = (90_000_000 + index).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        return digits + Siren.LuhnKey(digits);
    }

    /// <summary>A skewed spread of headcounts (a few large cooperatives, many small ones) adding up to <see cref="People"/>.</summary>
    private static int[] Headcounts(Random random)
    {
        var weights = Enumerable.Range(0, Cooperatives).Select(_ => Math.Exp(random.NextDouble() * 3)).ToArray();
        var total = weights.Sum();
        var counts = weights.Select(w => Math.Max(1, (int)(w / total * People))).ToArray();
        var missing = People - counts.Sum();
        for (var i = 0; missing != 0; i = (i + 1) % Cooperatives)
        {
            if (missing > 0)
            {
                counts[i]++;
                missing--;
            }
            else if (counts[i] > 1)
            {
                counts[i]--;
                missing++;
            }
        }

        return counts;
    }

    /// <summary>A membership with a history: mostly current, some in grace, some lapsed, a few pending.</summary>
    private static CooperativeMembership Membership(Cooperative cooperative, Random random, DateOnly today, DateTimeOffset now)
    {
        var calendar = random.NextDouble() < 0.6;
        var membership = CooperativeMembership.Apply(cooperative, calendar ? TermKind.CalendarYear : TermKind.Rolling, 1, 1,
            50_000 + random.Next(0, 20) * 10_000, today.AddDays(-random.Next(30, 2000)), now);
        if (random.NextDouble() < 0.04)
        {
            return membership; // pending
        }

        var paidOn = membership.AppliedOn.AddDays(random.Next(0, 20));
        membership.Pay(membership.DuesCents, paidOn > today ? today : paidOn);
        var keepsPaying = random.NextDouble() < 0.85;
        while (membership.PaidThrough < today && (keepsPaying || random.NextDouble() < 0.6))
        {
            var next = membership.PaidThrough!.Value.AddDays(random.Next(-20, keepsPaying ? 10 : 150));
            membership.Pay(membership.DuesCents, next > today ? today : next);
        }

        return membership;
    }
}
