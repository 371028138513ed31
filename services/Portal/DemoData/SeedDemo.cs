using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.Portal.Features.Content;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Data;

namespace Scop.Aspire.Portal.DemoData;

/// <summary>
/// <c>dotnet run --project services/Portal -- seed-demo [--items N] [--ConnectionStrings:portaldb=...]</c>: loads a
/// portal for demonstrations and the bench — a site for each of the 1,600 cooperatives of a demo register (names,
/// communes and sectors drawn as the register's demo is), published content in French written from the reference
/// lists below (news, pages, experience sheets, cooperative law, financial tools; 5,000 items unless <c>--items</c>),
/// the good-practice guide with versions, spaces with threads. Deterministic, refuses to load twice, publishes no events.
/// </summary>
public static class SeedDemo
{
    public const int Cooperatives = 1_600;
    public const int DefaultItems = 5_000;
    public const string DefaultConnection = "Host=127.0.0.1;Port=25432;Username=scop;Database=portal";

    private static readonly string[] Unions =
    [
        "urscop-idf", "urscop-bfc", "urscop-ouest", "urscop-hdf", "urscop-grand-est", "urscop-nouvelle-aquitaine",
        "urscop-occitanie", "urscop-aura", "urscop-paca",
    ];

    /// <summary>NAF divisions and what they are, in the words of the nomenclature.</summary>
    private static readonly (string Division, string Label)[] Sectors =
    [
        ("43", "travaux de construction spécialisés"), ("41", "construction de bâtiments"), ("71", "ingénierie et études techniques"),
        ("62", "programmation et conseil informatiques"), ("70", "conseil de gestion"), ("73", "publicité et études de marché"),
        ("18", "imprimerie et reproduction"), ("25", "fabrication de produits métalliques"), ("28", "fabrication de machines"),
        ("33", "réparation et installation de machines"), ("56", "restauration"), ("85", "enseignement et formation"),
        ("88", "action sociale sans hébergement"), ("49", "transports terrestres"), ("81", "services aux bâtiments et paysage"),
        ("74", "design et photographie"), ("47", "commerce de détail"), ("16", "travail du bois et menuiserie"),
        ("58", "édition"), ("90", "activités créatives et artistiques"), ("01", "agriculture"), ("10", "industries alimentaires"),
    ];

    private static readonly (string Code, string Name, string Union)[] Communes =
    [
        ("75056", "Paris", "urscop-idf"), ("45234", "Orléans", "urscop-idf"), ("21231", "Dijon", "urscop-bfc"),
        ("25056", "Besançon", "urscop-bfc"), ("35238", "Rennes", "urscop-ouest"), ("44109", "Nantes", "urscop-ouest"),
        ("14118", "Caen", "urscop-ouest"), ("29019", "Brest", "urscop-ouest"), ("59350", "Lille", "urscop-hdf"),
        ("80021", "Amiens", "urscop-hdf"), ("67482", "Strasbourg", "urscop-grand-est"), ("54395", "Nancy", "urscop-grand-est"),
        ("33063", "Bordeaux", "urscop-nouvelle-aquitaine"), ("87085", "Limoges", "urscop-nouvelle-aquitaine"),
        ("31555", "Toulouse", "urscop-occitanie"), ("34172", "Montpellier", "urscop-occitanie"), ("69123", "Lyon", "urscop-aura"),
        ("38185", "Grenoble", "urscop-aura"), ("63113", "Clermont-Ferrand", "urscop-aura"), ("42218", "Saint-Étienne", "urscop-aura"),
        ("13055", "Marseille", "urscop-paca"), ("06088", "Nice", "urscop-paca"),
    ];

    private static readonly string[] NameWords =
    [
        "Atelier", "Coopérative", "Les Compagnons", "Bâtisseurs", "Ensemble", "L'Équipage", "Terre", "Horizon", "Solidaire",
        "Le Maillon", "La Fabrique", "Les Artisans", "Alternative", "Avenir", "Le Chantier", "Cap", "Scopéo", "Énergie",
    ];

    private static readonly string[] Themes =
    [
        "transmission", "gouvernance", "financement", "formation", "innovation", "emploi", "international", "environnement",
        "égalité professionnelle", "santé au travail",
    ];

    private static readonly string[] Problems =
    [
        "le dirigeant partait à la retraite sans repreneur", "un client représentait la moitié du chiffre d'affaires",
        "les jeunes salariés ne devenaient pas associés", "la trésorerie ne suivait pas la croissance",
        "l'atelier devait changer de machines", "les marchés publics fermaient la porte aux petites entreprises",
        "l'équipe s'épuisait faute de relève", "la filière perdait ses savoir-faire",
    ];

    private static readonly string[] Actions =
    [
        "les salariés ont repris l'entreprise en SCOP avec l'appui de l'union régionale",
        "la coopérative a ouvert son capital à ses clients et partenaires en devenant SCIC",
        "un parcours d'accueil des nouveaux associés a été mis en place",
        "un prêt participatif et l'épargne salariale ont financé l'investissement",
        "deux coopératives ont formé un groupement pour répondre ensemble aux appels d'offres",
        "chaque associé a suivi la formation des élus à la gouvernance coopérative",
    ];

    private static readonly string[] Results =
    [
        "les emplois ont été maintenus et le chiffre d'affaires a progressé de 15 %", "la moitié des salariés sont devenus associés",
        "trois nouveaux marchés ont été remportés en deux ans", "la coopérative a embauché six personnes",
        "les réserves impartageables ont doublé", "l'absentéisme a reculé de moitié",
    ];

    private static readonly string[] NewsTitles =
    [
        "Assemblée générale : les associés renouvellent leur conseil", "Portes ouvertes de l'atelier", "Nouveaux associés",
        "La coopérative fête ses {0} ans", "Un nouveau marché remporté à {1}", "Rencontre des coopératives de {1}",
        "Formation des élus : une promotion de plus", "Participation et intéressement : bilan de l'année",
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var items = DefaultItems;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--items" && i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0)
            {
                items = n;
                i++;
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        var builder = WebApplication.CreateBuilder([.. rest]);
        if (builder.Configuration.GetConnectionString(ResourceNames.PortalDatabase) is null)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"ConnectionStrings:{ResourceNames.PortalDatabase}"] = DefaultConnection,
            });
        }

        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Scop:MigrateAtStart"] = "false" });
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.AddServiceDatabase<PortalDbContext>(ResourceNames.PortalDatabase);
        builder.Services.AddSingleton<Markdown>();
        builder.Services.AddSingleton<SearchLexicon>();
        await using var services = builder.Services.BuildServiceProvider();
        var markdown = services.GetRequiredService<Markdown>();
        var lexicon = services.GetRequiredService<SearchLexicon>();

        var clock = Stopwatch.StartNew();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            Console.WriteLine("Applying migrations…");
            await db.Database.MigrateAsync();
            if (await db.Sites.AnyAsync(s => s.Slug == "demo-0001"))
            {
                Console.WriteLine("The demo data is already loaded (its first site exists); nothing to do.");
                return 0;
            }
        }

        var random = new Random(2004);
        var now = DateTimeOffset.UtcNow;
        var sites = new List<Site>();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = 0; i < Cooperatives; i++)
            {
                var commune = Communes[random.Next(Communes.Length)];
                var sector = Sectors[random.Next(Sectors.Length)];
                var name = $"{NameWords[random.Next(NameWords.Length)]} {commune.Name} {i + 1}";
                var site = new Site
                {
                    Id = Guid.CreateVersion7(now), Slug = $"demo-{i + 1:0000}", Kind = SiteKind.Cooperative, Name = name,
                    RegionalUnion = commune.Union, CooperativeId = Guid.CreateVersion7(now), CommuneCode = commune.Code,
                    NafCode = $"{sector.Division}.00Z", CreatedAt = now, Links = [commune.Union],
                };
                sites.Add(site);
                db.Sites.Add(site);
            }

            await db.SaveChangesAsync();
            Console.WriteLine($"{Cooperatives} cooperative sites ({clock.Elapsed.TotalSeconds:0.0} s)");
        }

        var national = new[] { Site.ConfederationSlug }.Concat(Unions).ToList();
        const int batch = 250;
        for (var start = 0; start < items; start += batch)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var nationalSites = await db.Sites.AsNoTracking().Where(s => national.Contains(s.Slug)).ToListAsync();
            for (var i = start; i < Math.Min(start + batch, items); i++)
            {
                var item = Item(random, i, random.NextDouble() < 0.8 ? sites[random.Next(sites.Count)] : nationalSites[random.Next(nationalSites.Count)],
                    markdown, now);
                db.Items.Add(item);
                await lexicon.AddWordsAsync(db, item, CancellationToken.None);
            }

            await db.SaveChangesAsync();
            Console.WriteLine($"{Math.Min(start + batch, items),6} / {items} items ({clock.Elapsed.TotalSeconds:0.0} s)");
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            await GuideAndSpacesAsync(db, random, markdown, lexicon, now);
            await db.Database.ExecuteSqlRawAsync("ANALYZE sites, items, search_words, guide_versions, spaces, space_threads, space_posts");
        }

        Console.WriteLine($"Loaded {Cooperatives} sites, {items} items, the guide and the spaces in {clock.Elapsed.TotalSeconds:0.0} s.");
        return 0;
    }

    private static ContentItem Item(Random random, int index, Site site, Markdown markdown, DateTimeOffset now)
    {
        var sector = Sectors[random.Next(Sectors.Length)];
        var commune = Communes[random.Next(Communes.Length)];
        var theme = Themes[random.Next(Themes.Length)];
        var kind = random.NextDouble() switch
        {
            < 0.45 => ContentKind.News,
            < 0.75 => ContentKind.ExperienceSheet,
            < 0.85 => ContentKind.Page,
            < 0.93 => ContentKind.CooperativeLaw,
            _ => ContentKind.FinancialTool,
        };
        var problem = Problems[random.Next(Problems.Length)];
        var action = Actions[random.Next(Actions.Length)];
        var result = Results[random.Next(Results.Length)];
        var title = kind switch
        {
            ContentKind.News => string.Format(System.Globalization.CultureInfo.InvariantCulture,
                NewsTitles[random.Next(NewsTitles.Length)], random.Next(5, 80), commune.Name),
            ContentKind.ExperienceSheet => $"Fiche d'expérience : {theme} dans le secteur {sector.Label} à {commune.Name}",
            ContentKind.Page => $"Qui sommes-nous ? Une coopérative de {sector.Label}",
            ContentKind.CooperativeLaw => $"Droit coopératif : {theme} et statut SCOP",
            _ => $"Outil financier : financer {theme} en coopérative",
        };
        var body = $"""
            ## Le contexte

            À {commune.Name}, {problem}. Les associés de cette coopérative de {sector.Label} ont cherché une solution
            avec leur union régionale et la fédération.

            ## Ce qui a été fait

            En fin de compte, {action}. Les décisions ont été prises en **assemblée générale**, une personne, une voix.

            ## Les résultats

            Aujourd'hui, {result}. Les coopératives voisines s'en inspirent : [la Confédération](https://www.les-scop.coop/).
            """;
        var (html, text) = markdown.Render(body);
        var publishedAt = now.AddDays(-random.Next(0, 3 * 365)).AddMinutes(-random.Next(0, 24 * 60));
        return new ContentItem
        {
            Id = Guid.CreateVersion7(publishedAt),
            SiteId = site.Id,
            Kind = kind,
            Slug = $"{Site.Slugify(title, 80)}-{index + 1}",
            Title = title,
            Summary = $"{char.ToUpperInvariant(problem[0])}{problem[1..]} : {action}.",
            BodyMarkdown = body,
            BodyHtml = html,
            BodyText = text,
            Region = site.RegionalUnion ?? commune.Union,
            Sector = sector.Division,
            Theme = theme,
            Sheet = kind == ContentKind.ExperienceSheet
                ? new ExperienceSheet(problem, action, result, $"contact-{index + 1}@demo.scop.coop")
                : null,
            Status = ContentStatus.Published,
            PublishedAt = publishedAt,
            UpdatedBy = "seed-demo",
            CreatedAt = publishedAt,
            UpdatedAt = publishedAt,
        };
    }

    private static async Task GuideAndSpacesAsync(PortalDbContext db, Random random, Markdown markdown, SearchLexicon lexicon,
        DateTimeOffset now)
    {
        var confederation = await db.Sites.SingleAsync(s => s.Slug == Site.ConfederationSlug);
        for (var g = 0; g < Themes.Length; g++)
        {
            var theme = Themes[g];
            ContentItem? item = null;
            for (var version = 1; version <= 1 + g % 3; version++)
            {
                var body = $"""
                    ## La bonne pratique

                    Pour {theme}, {Actions[(g + version) % Actions.Length]}.

                    ## Pourquoi elle marche

                    Parce que {Results[(g + version) % Results.Length]}.
                    """;
                var (html, text) = markdown.Render(body);
                var at = now.AddDays(-30 * (4 - version));
                item ??= new ContentItem
                {
                    Id = Guid.CreateVersion7(at), SiteId = confederation.Id, Kind = ContentKind.Guide, Slug = Site.Slugify($"guide {theme}"),
                    Title = "", BodyMarkdown = "", BodyHtml = "", BodyText = "", UpdatedBy = "seed-demo", CreatedAt = at,
                    Status = ContentStatus.Published, PublishedAt = at,
                };
                item.Title = $"Bonne pratique : {theme} (version {version})";
                item.BodyMarkdown = body;
                item.BodyHtml = html;
                item.BodyText = text;
                item.Theme = theme;
                item.CurrentVersion = version;
                item.UpdatedAt = at;
                db.GuideVersions.Add(new GuideVersion
                {
                    Id = Guid.CreateVersion7(at), ItemId = item.Id, Number = version, Title = item.Title, BodyMarkdown = body, BodyHtml = html,
                    BodyText = text, Theme = theme, State = GuideVersionState.Published, ProposedBy = "seed-demo", ProposedAt = at,
                    ReviewedBy = "seed-demo", ReviewedAt = at, PublishedBy = "seed-demo", PublishedAt = at,
                });
            }

            db.Items.Add(item!);
            await lexicon.AddWordsAsync(db, item!, CancellationToken.None);
        }

        for (var s = 0; s < 20; s++)
        {
            var union = Unions[s % Unions.Length];
            var space = new Space
            {
                Id = Guid.CreateVersion7(now), Name = s < 9 ? $"Instance régionale {union}" : $"Groupe de travail {Themes[s % Themes.Length]}",
                Kind = s < 9 ? SpaceKind.Instance : SpaceKind.WorkingGroup, RegionalUnion = s < 9 ? union : null, CreatedAt = now,
            };
            db.Spaces.Add(space);
            var members = Enumerable.Range(0, 8).Select(_ => Guid.CreateVersion7(now)).ToList();
            db.SpaceMembers.AddRange(members.Select(p => new SpaceMember { SpaceId = space.Id, PersonId = p, AddedAt = now }));
            for (var t = 0; t < 10; t++)
            {
                var thread = new SpaceThread
                {
                    Id = Guid.CreateVersion7(now), SpaceId = space.Id, Title = $"Préparer : {Themes[(s + t) % Themes.Length]}",
                    StartedBy = members[t % members.Count], CreatedAt = now.AddDays(-t), LastPostAt = now.AddDays(-t),
                };
                db.SpaceThreads.Add(thread);
                for (var p = 0; p < 4; p++)
                {
                    var text = $"Proposition {p + 1} : {Actions[(s + t + p) % Actions.Length]}.";
                    db.SpacePosts.Add(new SpacePost
                    {
                        Id = Guid.CreateVersion7(now), ThreadId = thread.Id, AuthorPersonId = members[(t + p) % members.Count],
                        Author = "seed-demo", BodyMarkdown = text, BodyHtml = markdown.Render(text).Html,
                        Mentions = p == 0 ? [] : [members[(t + p + 1) % members.Count]], CreatedAt = now.AddDays(-t).AddHours(p),
                    });
                }
            }
        }

        await db.SaveChangesAsync();
    }
}
