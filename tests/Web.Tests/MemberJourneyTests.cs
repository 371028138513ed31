using Scop.Aspire.Testing;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// A worker-member hired by their cooperative's union opens their account from the invitation, signs in and finds
/// their membership: their cooperative and its dues, their card valid with the QR code a partner scans, and joins the
/// bank's SCOP AGIR card on the consent screen — refused without consent, then with the fields they tick and no other.
/// </summary>
[Collection(WebLanes.Third)]
public sealed class MemberJourneyTests(WebPlatform platform)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_member_reads_their_card_and_joins_a_benefit_with_their_consent(bool phone)
    {
        var today = ParisCalendar.Today(TimeProvider.System);
        var delegateToken = await platform.TokenAsync("delegate-aura", "openid membership");
        var name = $"Soierie coopérative {Guid.NewGuid():N}"[..32];
        var cooperative = (await platform.PostAsync(delegateToken, "/api/membership/cooperatives", new
        {
            name, siren = Siren.Next(), legalForm = "SCOP", communeCode = "69123", nafCode = "13.20Z",
        })).GetProperty("id").GetGuid();
        await platform.PostAsync(delegateToken, $"/api/membership/cooperatives/{cooperative}/membership", new { termKind = "rolling", duesCents = 90_000 });
        await platform.PostAsync(delegateToken, $"/api/membership/cooperatives/{cooperative}/membership/payments", new { amountCents = 90_000, paidOn = today });
        var email = $"lou.{Guid.NewGuid():N}@example.coop";
        var card = (await platform.PostAsync(delegateToken, $"/api/membership/cooperatives/{cooperative}/people", new
        {
            givenName = "Lou", familyName = "Soyeuse", email, role = "worker-member", hiredOn = today,
        })).GetProperty("cardNumber").GetString()!;

        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        const string password = "Soie-et-traboules-2027";
        await page.ActivateAccountAsync(platform, await platform.InvitationLinkAsync(email), password);
        await page.SignInAsync(platform, email, check: null, password: password);
        await page.GetByRole(AriaRole.Link, new() { Name = "Voir mon adhésion" }).ClickAsync();
        await page.WaitForURLAsync("**/moi");

        var cooperativeSection = Section(page, "Ma coopérative");
        await Assertions.Expect(cooperativeSection).ToContainTextAsync(name);
        await Assertions.Expect(cooperativeSection).ToContainTextAsync("associé·e");
        await Assertions.Expect(cooperativeSection).ToContainTextAsync("Nouvelle adhérente");

        // The card: its number in groups of four, valid today, and a QR code the browser drew.
        var cardSection = Section(page, "Ma carte de coopérateur·rice");
        await Assertions.Expect(cardSection).ToContainTextAsync(string.Join(' ', card.Chunk(4).Select(c => new string(c))));
        await Assertions.Expect(cardSection).ToContainTextAsync("Valide");
        var qr = cardSection.GetByRole(AriaRole.Img, new() { Name = $"Code QR de la carte n° {card}", Exact = false });
        Assert.True(await qr.EvaluateAsync<int>("img => img.naturalWidth") > 100, "the QR code did not load");

        var training = Section(page, "Mes formations");
        await Assertions.Expect(training).ToContainTextAsync("Aucune inscription à une session.");
        await Assertions.Expect(training).ToContainTextAsync("Aucune formation achevée pour l'instant.");
        await page.CheckAsync(platform, "member-membership");

        // The bank's card without consent: said next to the consent, nothing enrolled.
        var benefits = Section(page, "Mes avantages");
        await benefits.GetByLabel("Carte bancaire SCOP AGIR", new() { Exact = false }).CheckAsync();
        await benefits.GetByRole(AriaRole.Button, new() { Name = "Adhérer" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-consentedFields")).ToContainTextAsync("consent");
        await Assertions.Expect(Section(page, "Mes avantages")).ToContainTextAsync("Vous n'avez adhéré à aucun avantage.");
        await page.CheckAsync(platform, "member-benefit-refused");

        // With the first name and the e-mail ticked: enrolled, and those two fields alone go to the partner.
        benefits = Section(page, "Mes avantages");
        await benefits.GetByLabel("Carte bancaire SCOP AGIR", new() { Exact = false }).CheckAsync();
        await benefits.GetByLabel("Mon prénom").CheckAsync();
        await benefits.GetByLabel("Mon adresse e-mail").CheckAsync();
        await benefits.GetByRole(AriaRole.Button, new() { Name = "Adhérer" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Votre demande d'adhésion à l'avantage est enregistrée.");
        var enrolled = Section(page, "Mes avantages").GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Carte bancaire SCOP AGIR" });
        await Assertions.Expect(enrolled).ToContainTextAsync("transmis au partenaire : prénom, e-mail");
        await Assertions.Expect(Section(page, "Mes avantages").GetByLabel("Carte bancaire SCOP AGIR", new() { Exact = false })).ToHaveCountAsync(0);
    }

    private static ILocator Section(IPage page, string heading) =>
        page.Locator("section").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 2 }) });
}
