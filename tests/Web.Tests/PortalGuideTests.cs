namespace Scop.Aspire.Web.Tests;

/// <summary>
/// The good-practice guide in the browser: a worker-member proposes an entry, confederation staff refuse to reject it
/// without a reason, accept and publish it; a second version proposed from the entry's page and published makes the
/// first one « remplacée », still readable. And a signed-in reader keeps the watch's filters and forgets them.
/// </summary>
[Collection(WebLanes.Third)]
public sealed class PortalGuideTests(WebPlatform platform)
{
    private const string MemberPassword = "Un-guide-des-bonnes-pratiques-42";

    [Fact]
    public async Task A_member_proposes_an_entry_staff_review_and_publish_it_and_each_version_stays_readable()
    {
        var title = $"Accueillir un nouvel associé {Guid.NewGuid():N}"[..40];
        await using var memberContext = await platform.NewContextAsync();
        var member = await memberContext.NewPageAsync();
        var proposer = await platform.NewMemberAsync(member, "Mae", "Proposante", MemberPassword);
        await member.SignInAsync(platform, proposer.Email, check: null, password: MemberPassword);

        // Without its title: said next to it, nothing proposed.
        await member.GotoAsync("/guide/proposer");
        await member.GetByLabel("Texte (Markdown)").FillAsync("## Le parcours\n\nUn **parrain** par nouvel associé. <script>document.title='pris'</script>");
        await member.GetByRole(AriaRole.Button, new() { Name = "Envoyer la proposition" }).ClickAsync();
        await Assertions.Expect(member.Locator("#erreur-title")).ToHaveTextAsync("Ce champ est obligatoire.");
        await member.CheckAsync(platform, "guide-propose");
        await member.GetByLabel("Titre *").FillAsync(title);
        await member.GetByRole(AriaRole.Button, new() { Name = "Envoyer la proposition" }).ClickAsync();
        await Assertions.Expect(member.GetByRole(AriaRole.Status)).ToHaveTextAsync("Votre proposition est envoyée : l'équipe de la Confédération va la relire.");
        var proposalUrl = member.Url.Split('?')[0];
        await member.GotoAsync("/guide/propositions");
        await Assertions.Expect(member.GetByRole(AriaRole.List, new() { Name = "Propositions" }).GetByRole(AriaRole.Listitem)
            .Filter(new() { HasText = title })).ToContainTextAsync("À relire");

        // Staff: a rejection without its reason is refused; accepted, then published.
        await using var staffContext = await platform.NewContextAsync();
        var staff = await staffContext.NewPageAsync();
        await staff.SignInAsync(platform, "admin", check: null);
        await staff.GotoAsync(proposalUrl);
        await Assertions.Expect(staff.Locator("article .prose strong")).ToHaveTextAsync("parrain");
        Assert.Equal(0, await staff.Locator("article script").CountAsync());
        await staff.GetByLabel("Refuser").CheckAsync();
        await staff.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la décision" }).ClickAsync();
        await Assertions.Expect(staff.Locator("#erreur-note")).ToHaveTextAsync("Un refus dit pourquoi, en 2 000 caractères au plus.");
        await staff.CheckAsync(platform, "guide-review");
        await staff.GetByLabel("Accepter").CheckAsync();
        await staff.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la décision" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToHaveTextAsync("La décision est enregistrée.");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Publier dans le guide" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToHaveTextAsync("La proposition est publiée : c'est la version actuelle de la fiche.");

        // The entry on the national site, its first version the current one; a new version proposed from it.
        await member.GotoAsync(proposalUrl);
        await member.GetByRole(AriaRole.Link, new() { Name = "La fiche publiée" }).ClickAsync();
        await Assertions.Expect(member.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(title);
        var versions = member.GetByRole(AriaRole.Region, new() { Name = "Les versions de cette fiche du guide" });
        await Assertions.Expect(versions).ToContainTextAsync("Version 1");
        await Assertions.Expect(versions).ToContainTextAsync("(la version actuelle)");
        var entryUrl = member.Url;
        await versions.GetByRole(AriaRole.Link, new() { Name = "Proposer une nouvelle version" }).ClickAsync();
        await member.GetByLabel("Titre *").FillAsync(title + " (2)");
        await member.GetByLabel("Texte (Markdown)").FillAsync("Un parrain, et un livret d'accueil.");
        await member.GetByRole(AriaRole.Button, new() { Name = "Envoyer la proposition" }).ClickAsync();
        await Assertions.Expect(member.GetByRole(AriaRole.Status)).ToContainTextAsync("Votre proposition est envoyée");
        await Assertions.Expect(member.Locator("main")).ToContainTextAsync("Nouvelle version de la fiche");
        var second = member.Url.Split('?')[0];
        await staff.GotoAsync(second);
        await staff.GetByLabel("Accepter").CheckAsync();
        await staff.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la décision" }).ClickAsync();
        await staff.GetByRole(AriaRole.Button, new() { Name = "Publier dans le guide" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync("La proposition est publiée");

        await member.GotoAsync(entryUrl);
        await Assertions.Expect(member.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(title + " (2)");
        await Assertions.Expect(versions.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
        await versions.GetByRole(AriaRole.Link, new() { Name = "Version 1" }).ClickAsync();
        await Assertions.Expect(member.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(title);
        await Assertions.Expect(member.Locator("main")).ToContainTextAsync("version 1");
        await Assertions.Expect(member.Locator("main")).ToContainTextAsync("remplacée depuis");
        await member.CheckAsync(platform, "guide-version");
    }

    [Fact]
    public async Task A_signed_in_reader_keeps_the_watchs_filters_opens_them_again_and_forgets_them()
    {
        await using var context = await platform.NewContextAsync();
        var page = await context.NewPageAsync();
        var reader = await platform.NewMemberAsync(page, "Lio", "Veilleur", MemberPassword);
        await page.SignInAsync(platform, reader.Email, check: null, password: MemberPassword);
        await page.GotoAsync("/veille?type=club-opened&union=urscop-aura");
        var mine = page.GetByRole(AriaRole.Region, new() { Name = "Mes veilles" });
        await mine.GetByRole(AriaRole.Button, new() { Name = "Garder" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-name")).ToHaveTextAsync("Ce champ est obligatoire.");
        await page.GetByLabel("Garder les filtres de cette page sous le nom").FillAsync("Les clubs de ma région");
        await mine.GetByRole(AriaRole.Button, new() { Name = "Garder" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Ces filtres sont gardés dans vos veilles.");
        await page.CheckAsync(platform, "watch-kept");

        await page.GotoAsync("/veille");
        await mine.GetByRole(AriaRole.Link, new() { Name = "Les clubs de ma région" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Type")).ToHaveValueAsync("club-opened");
        await Assertions.Expect(page.GetByLabel("Union régionale")).ToHaveValueAsync("urscop-aura");
        await mine.GetByRole(AriaRole.Button, new() { Name = "Oublier Les clubs de ma région" }).ClickAsync();
        await Assertions.Expect(mine.GetByRole(AriaRole.Link, new() { Name = "Les clubs de ma région" })).ToHaveCountAsync(0);
    }
}
