using System.Net;
using System.Text.Json;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// A collaborative space in the browser: a worker-member made a member of a union's working group by staff opens a
/// thread, answers in it (a script in the Markdown gone), reads the union's delegate's answer under the delegate's name
/// and their own under « Vous », adds a PDF and downloads it back, and sees a file disguised as a PDF refused; a member
/// of no space finds the space's pages « introuvables » and its document unreachable.
/// </summary>
[Collection(WebLanes.Second)]
public sealed class PortalSpacesTests(WebPlatform platform)
{
    private const string MemberPassword = "Un-espace-de-travail-partage-42";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_member_opens_a_thread_answers_and_shares_a_document_that_only_members_reach(bool phone)
    {
        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        var member = await platform.NewMemberAsync(page, "Noa", "Groupiste", MemberPassword);
        var name = $"Groupe transmission {Guid.NewGuid():N}"[..30];
        var staff = await platform.TokenAsync("admin", "openid portal");
        var space = (await platform.PostAsync(staff, "/api/portal/spaces", new { name, kind = "working-group", regionalUnion = "urscop-aura", members = new[] { member.Person } }))
            .GetProperty("id").GetGuid();

        await page.SignInAsync(platform, member.Email, check: null, password: MemberPassword);
        await page.GotoAsync("/espace");
        await page.GetByRole(AriaRole.Link, new() { Name = "Mes espaces de travail" }).Last.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Mes espaces de travail");
        await page.CheckAsync(platform, "spaces");
        await page.GetByRole(AriaRole.List, new() { Name = "Mes espaces" }).GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(name);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Groupe de travail · URSCOP Auvergne-Rhône-Alpes · 1 membre");

        // A thread without its first message: said next to it, nothing opened.
        await page.GetByLabel("Titre *").FillAsync("Reprendre la fonderie");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ouvrir le fil" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Le fil n'est pas ouvert : corrigez les champs signalés.");
        await Assertions.Expect(page.Locator("#erreur-body")).ToHaveTextAsync("Ce champ est obligatoire.");
        await Assertions.Expect(page.GetByText("Aucun fil pour l'instant : ouvrez le premier.")).ToBeVisibleAsync();
        await page.CheckAsync(platform, "space");

        await page.GetByLabel("Premier message (Markdown) *").FillAsync("Les **cédants** partent en juin. <script>document.title='pris'</script>");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ouvrir le fil" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Reprendre la fonderie");
        var posts = page.GetByRole(AriaRole.List, new() { Name = "Messages" });
        await Assertions.Expect(posts.Locator("strong")).ToHaveTextAsync("cédants");
        Assert.Equal(0, await posts.Locator("script").CountAsync());
        await page.GetByLabel("Votre message (Markdown) *").FillAsync("Je prépare le plan de financement.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer" }).ClickAsync();
        await Assertions.Expect(posts.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
        await Assertions.Expect(posts.GetByRole(AriaRole.Listitem).Last).ToContainTextAsync("Vous, le");
        await Assertions.Expect(posts.GetByRole(AriaRole.Listitem).Last).ToContainTextAsync("Je prépare le plan de financement.");

        // The union's delegate, a member by their role, answers: their post carries the name of their account.
        var threadPath = new Uri(page.Url).AbsolutePath;
        var delegateToken = await platform.TokenAsync("delegate-aura", "openid portal");
        await platform.PostAsync(delegateToken, $"/api/portal/threads/{threadPath.Split('/')[^1]}/posts", new { body = "Je relis le plan." });
        await page.GotoAsync(threadPath);
        await Assertions.Expect(posts.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(3);
        await Assertions.Expect(posts.GetByRole(AriaRole.Listitem).First).ToContainTextAsync("Vous, le");
        await Assertions.Expect(posts.GetByRole(AriaRole.Listitem).Last).ToContainTextAsync("Anne Déléguée (URSCOP Auvergne-Rhône-Alpes), le");
        await Assertions.Expect(posts.GetByRole(AriaRole.Listitem).Last).ToContainTextAsync("Je relis le plan.");
        await Assertions.Expect(posts.GetByText("Un·e membre")).ToHaveCountAsync(0);
        await page.CheckAsync(platform, "space-thread");

        // A PDF: listed, and downloaded back byte for byte. Text named .pdf: refused, said in French.
        await page.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        var pdf = System.Text.Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");
        await page.GetByLabel("Ajouter un document").SetInputFilesAsync(new FilePayload { Name = "plan-de-reprise.pdf", MimeType = "application/pdf", Buffer = pdf });
        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer le document" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Le document est ajouté à l'espace.");
        var link = page.GetByRole(AriaRole.List, new() { Name = "Documents de l'espace" }).GetByRole(AriaRole.Link, new() { Name = "plan-de-reprise.pdf" });
        await Assertions.Expect(link).ToBeVisibleAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        var saved = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"));
        await download.SaveAsAsync(saved);
        Assert.Equal(pdf, await File.ReadAllBytesAsync(saved));
        File.Delete(saved);
        var documentPath = new Uri(download.Url).AbsolutePath;

        await page.GetByLabel("Ajouter un document").SetInputFilesAsync(new FilePayload
        {
            Name = "faux.pdf", MimeType = "application/pdf", Buffer = System.Text.Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>"),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer le document" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Ce fichier n'est pas accepté");
        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Documents de l'espace" }).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await page.CheckAsync(platform, "space-documents");

        // Someone of no space: the space, its thread and its document do not exist for them.
        var spaceUrl = $"/espace/groupes/{space}";
        await using var otherContext = await platform.NewContextAsync(phone);
        var other = await otherContext.NewPageAsync();
        var outsider = await platform.NewMemberAsync(other, "Sam", "Dehors", MemberPassword);
        await other.SignInAsync(platform, outsider.Email, check: null, password: MemberPassword);
        await other.GotoAsync(spaceUrl);
        await Assertions.Expect(other.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Page introuvable");
        var response = await other.APIRequest.GetAsync(documentPath);
        Assert.Equal((int)HttpStatusCode.NotFound, response.Status);
    }
}
