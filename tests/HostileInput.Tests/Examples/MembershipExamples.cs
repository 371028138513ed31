using System.Globalization;
using System.Text.Json.Nodes;
using Scop.Aspire.HostileInput.Tests.Contract;
using Scop.Aspire.HostileInput.Tests.Support;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.HostileInput.Tests.Examples;

/// <summary>
/// The register: cooperatives in Lyon (a real commune, a real NAF code, SIRENs with their Luhn key), people hired in
/// them, a membership to pay dues on, a welcome kit. Operations that end something (erasure, leaving) get a person of
/// their own, so the others still find theirs. Once set up, every token names a person hired for it (whom
/// <c>/api/membership/me</c> reads), so the signed-in person's operations are tried on someone.
/// </summary>
public sealed class MembershipExamples : ServiceExamples
{
    private Guid? signedIn;

    public override string Service => ResourceNames.Membership;

    public override async Task SetUpAsync(ServiceContext context, ExampleValues examples)
    {
        var today = ParisCalendar.Today(TimeProvider.System).ToDateTime(TimeOnly.MinValue);
        string Day(int days) => today.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        examples
            .Set("name", () => JsonValue.Create($"Coopérative des Tisserands {Guid.NewGuid():N}"[..40]))
            .Set("legalForm", JsonValue.Create("SCOP"))
            .Set("street", JsonValue.Create("12 rue de la République"))
            .Set("postalCode", JsonValue.Create("69002"))
            .Set("tradeFederations", new JsonArray("scop-industrie"))
            .Set("headcount", JsonValue.Create(12))
            .Set("workerMembers", JsonValue.Create(8))
            .Set("profitSharingAgreement", JsonValue.Create(true))
            .Set("foundedOn", JsonValue.Create("2001-05-14"))
            .Set("If-Match", JsonValue.Create("*"))
            .Set("givenName", JsonValue.Create("Camille"))
            .Set("familyName", JsonValue.Create("Martin"))
            .Set("phone", JsonValue.Create("+33 4 72 00 00 00"))
            .Set("birthDate", JsonValue.Create("1985-03-02"))
            .Set("HirePerson.role", JsonValue.Create("employee"))
            .Set("hiredOn", JsonValue.Create(Day(0)))
            .Set("StartRole.role", JsonValue.Create("worker-member"))
            .Set("StartRole.startsOn", JsonValue.Create(Day(1)))
            .Set("leftOn", JsonValue.Create(Day(0)))
            .Set("termKind", JsonValue.Create("rolling"))
            .Set("rolloverDate", ExampleValues.Omitted)
            .Set("duesCents", JsonValue.Create(12_000))
            .Set("amountCents", JsonValue.Create(12_000))
            .Set("paidOn", JsonValue.Create(Day(0)))
            .Set("benefitCode", JsonValue.Create("scop-agir-card"))
            .Set("consentedFields", new JsonArray("givenName", "familyName", "email"))
            .Set("kind", JsonValue.Create("agm"))
            .Set("heldOn", JsonValue.Create(Day(20)))
            .Set("SetKitStatus.status", JsonValue.Create("shipped"))
            .Set("level", JsonValue.Create("regional"))
            .Set("title", JsonValue.Create("Présidente de l'union régionale"))
            .Set("StartMandate.startsOn", JsonValue.Create(Day(0)))
            .Set("endsOn", JsonValue.Create(Day(3 * 365)));

        var cooperative = await RegisterAsync(context);
        var person = await HireAsync(context, cooperative);
        var withMembership = await RegisterAsync(context);
        await context.PostAsync($"/api/membership/cooperatives/{withMembership}/membership",
            new { termKind = "rolling", duesCents = 12_000 });
        var declared = await context.PostAsync($"/api/membership/cooperatives/{cooperative}/events",
            new { kind = "opening", heldOn = Day(30) });

        signedIn = (await HireAsync(context, cooperative)).Id;
        context.ForgetTokens(); // the setup's tokens named nobody

        examples
            .Set("cooperatives.id", cooperative)
            .Set("cooperativeId", cooperative)
            .Set("people.id", person.Id)
            .Set("number", JsonValue.Create(person.CardNumber))
            .Set("ErasePerson.id", (await HireAsync(context, cooperative)).Id)
            .Set("LeaveCooperative.id", (await HireAsync(context, cooperative)).Id)
            .Set("PayDues.cooperativeId", withMembership)
            .Set("GetMembership.cooperativeId", withMembership)
            .Set("kits.id", declared.GetProperty("kitId").GetGuid());
    }

    public override Task<string?> TokenAsync(ServiceContext context, string role) =>
        Task.FromResult<string?>(TestTokens.For(PlatformAudiences.Membership, role, Callers.RegionalUnionOf(role), Callers.CooperativeOf(role),
            personId: signedIn));

    private static async Task<Guid> RegisterAsync(ServiceContext context) =>
        (await context.PostAsync("/api/membership/cooperatives", new
        {
            name = "Coopérative des Tisserands", siren = Sirens.Next(), legalForm = "SCOP", communeCode = "69123", nafCode = "13.20Z",
        })).GetProperty("id").GetGuid();

    private static async Task<(Guid Id, string CardNumber)> HireAsync(ServiceContext context, Guid cooperative)
    {
        var person = await context.PostAsync($"/api/membership/cooperatives/{cooperative}/people", new
        {
            givenName = "Camille", familyName = "Martin", email = "camille.martin@example.coop", phone = "04 72 00 00 00",
            birthDate = "1985-03-02", role = "employee", hiredOn = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        });
        return (person.GetProperty("id").GetGuid(), person.GetProperty("cardNumber").GetString()!);
    }
}
