using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Ambassadors.DemoData;

/// <summary>
/// <c>dotnet run --project services/Ambassadors -- seed-demo [--ambassades N] [--clubs N] [--ConnectionStrings:ambassadorsdb=...]
/// [--ConnectionStrings:membershipdb=...]</c>: loads the Ambassades of the last years for demonstrations and the bench —
/// <c>N</c> labelled ones (120 by default, as many as the whole register for the bench) with the applications, refusals,
/// suspensions, withdrawals and expiries around them, every step in their history, and a year of enquiries from project
/// holders, answered on time, late or not yet; and <c>N</c> inter-SCOP clubs (30 by default) in employment areas drawn where the
/// register's cooperatives are, with their animators, members and meetings over the last two years, a few dormant.
/// <para>
/// It stands on membership's demo register (<c>seed-demo</c> there, loaded first), read once from membership's database:
/// the register never published its demo as events, so the service learns its cooperatives and their membership here.
/// The Ambassades are a draw of the register, so they spread as it does. Deterministic over the same register and day,
/// refuses to load twice (the Ambassades when the service holds some, the clubs likewise), publishes no events (the demo
/// is not news): only the durable timers of the labels in force, of the enquiries still awaiting an answer and of the
/// clubs not dormant are set.
/// </para>
/// </summary>
public static class SeedDemo
{
    public const int DefaultAmbassades = 120;

    public const int DefaultClubs = 30;

    public const string DefaultConnection = "Host=127.0.0.1;Port=25432;Username=scop;Database=ambassadors";
    public const string DefaultRegisterConnection = "Host=127.0.0.1;Port=25432;Username=scop;Database=membership";

    /// <summary>The demo register's SIRENs (membership's <c>SeedDemo.SirenOf</c>).</summary>
    private const string RegisterFirstSiren = "900000000";
    private const string RegisterLastSiren = "900099999";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{ResourceNames.AmbassadorsDatabase}"] =
                builder.Configuration.GetConnectionString(ResourceNames.AmbassadorsDatabase) ?? DefaultConnection,
            ["Scop:MigrateAtStart"] = "false",
        });
        var registerConnection = builder.Configuration.GetConnectionString(ResourceNames.MembershipDatabase) ?? DefaultRegisterConnection;
        var labelled = builder.Configuration.GetValue("ambassades", DefaultAmbassades);
        if (labelled is < 1 or > 100_000)
        {
            Console.Error.WriteLine("--ambassades takes a number from 1 to 100000.");
            return 2;
        }

        var clubs = builder.Configuration.GetValue("clubs", DefaultClubs);
        if (clubs is < 0 or > 1_000)
        {
            Console.Error.WriteLine("--clubs takes a number from 0 to 1000.");
            return 2;
        }

        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.AddServiceDatabase<AmbassadorsDbContext>(ResourceNames.AmbassadorsDatabase);
        var options = builder.Configuration.GetSection(AmbassadorsOptions.Section).Get<AmbassadorsOptions>() ?? new AmbassadorsOptions();
        var reference = FrenchReferenceData.Load();
        var places = FrenchPlaces.Load(reference);
        var unions = RegionalUnions.From(builder.Configuration, reference);
        await using var services = builder.Services.BuildServiceProvider();

        var clock = Stopwatch.StartNew();
        bool hasAmbassades, hasClubs;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AmbassadorsDbContext>();
            Console.WriteLine("Applying migrations…");
            await db.Database.MigrateAsync();
            hasAmbassades = await db.Ambassades.AnyAsync();
            hasClubs = await db.Clubs.AnyAsync();
            if (hasAmbassades && (hasClubs || clubs == 0))
            {
                Console.WriteLine("The service already holds Ambassades and clubs; nothing to do.");
                return 0;
            }
        }

        Console.WriteLine("Reading membership's demo register…");
        var register = await ReadRegisterAsync(registerConnection);
        if (register.Count == 0)
        {
            Console.Error.WriteLine("Membership's demo register is not loaded: run 'dotnet run --project services/Membership -- seed-demo' first.");
            return 1;
        }

        if (labelled > register.Count)
        {
            Console.Error.WriteLine($"--ambassades {labelled}: the register holds {register.Count} cooperatives.");
            return 2;
        }

        var now = DateTimeOffset.UtcNow;
        if (hasAmbassades)
        {
            Console.WriteLine("The service already holds Ambassades: the clubs only.");
        }
        else
        {
            await LoadAmbassadesAsync(services, register, labelled, places, options, now, clock);
        }

        if (hasClubs || clubs == 0)
        {
            Console.WriteLine("The service already holds clubs: none added.");
        }
        else
        {
            await LoadClubsAsync(services, register, clubs, reference, unions, options, now, clock);
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AmbassadorsDbContext>();
            // Statistics and the visibility map now, not at autovacuum's next pass: the first searches would otherwise be
            // planned for empty tables.
            await db.Database.ExecuteSqlRawAsync(
                "VACUUM (ANALYZE) ambassades, ambassade_history, enquiries, cooperatives, clubs, club_participants, club_meetings");
        }

        return 0;
    }

    private static async Task LoadAmbassadesAsync(ServiceProvider services, IReadOnlyList<RegisterCooperative> register, int labelled,
        FrenchPlaces places, AmbassadorsOptions options, DateTimeOffset now, Stopwatch clock)
    {
        var demo = new DemoAmbassades(new Random(2026), places, options, now);
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AmbassadorsDbContext>();
            await TeachAsync(db, register);
            Console.WriteLine($"The service knows the register: {register.Count} cooperatives ({clock.Elapsed.TotalSeconds:0.0} s)");
        }

        const int batch = 400;
        var drawn = demo.Draw(register, labelled);
        for (var start = 0; start < drawn.Count; start += batch)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AmbassadorsDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            foreach (var (cooperative, fate) in drawn.Skip(start).Take(batch))
            {
                demo.Ambassade(db, cooperative, fate);
            }

            await db.SaveChangesAsync();
            Console.WriteLine($"{Math.Min(start + batch, drawn.Count),6} / {drawn.Count} Ambassades ({clock.Elapsed.TotalSeconds:0.0} s)");
        }

        Console.WriteLine($"Loaded {demo.Counts[LabelStatus.Labelled]} labelled Ambassades ({string.Join(", ",
            demo.Counts.Where(c => c.Key != LabelStatus.Labelled).Select(c => $"{c.Value} {c.Key.ToString().ToLowerInvariant()}"))}) and " +
            $"{demo.Enquiries} enquiries in {clock.Elapsed.TotalSeconds:0.0} s.");
    }

    /// <summary>The clubs, in one transaction: about one in eight dormant.</summary>
    private static async Task LoadClubsAsync(ServiceProvider services, IReadOnlyList<RegisterCooperative> register, int count,
        FrenchReferenceData reference, RegionalUnions unions, AmbassadorsOptions options, DateTimeOffset now, Stopwatch clock)
    {
        var demo = new DemoClubs(new Random(2027), reference, unions, options, now);
        var areas = demo.Draw(register, count);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AmbassadorsDbContext>();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        for (var i = 0; i < areas.Count; i++)
        {
            demo.Club(db, areas[i].Epci, areas[i].Cooperatives, dormant: i % 8 == 3);
        }

        await db.SaveChangesAsync();
        Console.WriteLine($"Loaded {areas.Count} clubs ({demo.Dormant} dormant) and {demo.Meetings} meetings in {clock.Elapsed.TotalSeconds:0.0} s.");
    }

    private static async Task<List<RegisterCooperative>> ReadRegisterAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT c.id, c.name, c.legal_form, c.commune_code, c.naf_code, c.regional_union, c.registered_at, m.paid_through
            FROM cooperatives c LEFT JOIN memberships m ON m.cooperative_id = c.id
            WHERE c.siren BETWEEN @first AND @last ORDER BY c.siren
            """, connection);
        command.Parameters.AddWithValue("first", RegisterFirstSiren);
        command.Parameters.AddWithValue("last", RegisterLastSiren);
        await using var reader = await command.ExecuteReaderAsync();
        var cooperatives = new List<RegisterCooperative>();
        while (await reader.ReadAsync())
        {
            cooperatives.Add(new RegisterCooperative(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateOnly>(7)));
        }

        return cooperatives;
    }

    /// <summary>
    /// Writes the register into the service's own copy of it, as membership's events would have: the details, and the
    /// membership current unless its last paid term ended more than the grace period ago (a fact already learned from
    /// an event stays).
    /// </summary>
    private static Task TeachAsync(AmbassadorsDbContext db, IReadOnlyList<RegisterCooperative> register) =>
        db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO cooperatives (id, name, legal_form, commune_code, naf_code, regional_union, details_stated_at,
                                      membership_term_ends_on, membership_lapsed, membership_stated_at)
            SELECT id, name, legal_form, commune_code, naf_code, regional_union, registered_at, paid_through,
                   coalesce(paid_through + {DemoAmbassades.MembershipGraceDays} < current_date, false),
                   CASE WHEN paid_through IS NOT NULL THEN registered_at END
            FROM unnest({register.Select(c => c.Id).ToArray()}, {register.Select(c => c.Name).ToArray()},
                        {register.Select(c => c.LegalForm).ToArray()}, {register.Select(c => c.CommuneCode).ToArray()},
                        {register.Select(c => c.NafCode).ToArray()}, {register.Select(c => c.RegionalUnion).ToArray()},
                        {register.Select(c => c.RegisteredAt).ToArray()}, {register.Select(c => c.PaidThrough).ToArray()})
                 AS r(id, name, legal_form, commune_code, naf_code, regional_union, registered_at, paid_through)
            ON CONFLICT DO NOTHING
            """);
}

/// <summary>A cooperative of membership's demo register, as the Ambassades need it.</summary>
public sealed record RegisterCooperative(Guid Id, string Name, string LegalForm, string CommuneCode, string NafCode, string RegionalUnion,
    DateTimeOffset RegisteredAt, DateOnly? PaidThrough);
