using System.Text.Json;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.PartnerHooks.Payloads;

namespace Scop.Aspire.PartnerHooks.Tests;

public sealed class PayloadMapperTests
{
    private static readonly PersonalData EverythingFilled = new(
        ["givenName", "familyName", "email", "phone", "birthDate", "postalAddress"],
        "Camille", "Martin", "camille.martin@example.org", "+33612345678", new DateOnly(1990, 4, 12), "3 rue de la Paix, 69001 Lyon");

    private static JsonElement Data(CloudEvent cloudEvent) => JsonDocument.Parse(cloudEvent.Serialize()).RootElement;

    private static BenefitEnrolmentRequested Enrolment(string benefit, PersonalData person) => new(Guid.CreateVersion7(),
        DateTimeOffset.UtcNow, Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), benefit, "credit-cooperatif", person);

    [Fact]
    public void A_cooperative_joined_event_is_a_cloudevent_with_the_register_facts_only()
    {
        var joined = new CooperativeJoined(Guid.CreateVersion7(), new DateTimeOffset(2026, 11, 26, 9, 30, 0, TimeSpan.Zero),
            Guid.CreateVersion7(), "Scop Lumière", "552100554", "SCOP", "69123", "62.01Z");
        var json = Data(PayloadMappers.Map(joined));

        Assert.Equal("1.0", json.GetProperty("specversion").GetString());
        Assert.Equal(joined.EventId.ToString(), json.GetProperty("id").GetString());
        Assert.Equal("/scop/membership", json.GetProperty("source").GetString());
        Assert.Equal("scop.membership.cooperative.joined", json.GetProperty("type").GetString());
        Assert.Equal(joined.OccurredAt, json.GetProperty("time").GetDateTimeOffset());
        Assert.Equal("application/json", json.GetProperty("datacontenttype").GetString());
        var data = json.GetProperty("data");
        Assert.Equal(["cooperativeId", "name", "siren", "legalForm", "communeCode", "nafCode"],
            data.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("Scop Lumière", data.GetProperty("name").GetString());
    }

    [Fact]
    public void A_card_enrolment_carries_only_the_consented_fields_the_bank_needs_and_no_internal_ids()
    {
        var requested = Enrolment("scop-agir-card", EverythingFilled with { ConsentedFields = ["givenName", "familyName", "email", "phone"] });
        var text = PayloadMappers.Map(requested).Serialize();
        var data = JsonDocument.Parse(text).RootElement.GetProperty("data");
        var person = data.GetProperty("person");

        // needed and consented: sent; consented but not needed (phone): not sent; needed but not consented: not sent.
        Assert.Equal(["givenName", "familyName", "email"], person.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("camille.martin@example.org", person.GetProperty("email").GetString());
        Assert.Equal(requested.EnrolmentId, data.GetProperty("enrolmentId").GetGuid());
        Assert.Equal("scop-agir-card", data.GetProperty("benefitCode").GetString());
        Assert.DoesNotContain(requested.PersonId.ToString(), text);
        Assert.DoesNotContain(requested.CooperativeId.ToString(), text);
        Assert.DoesNotContain("+33612345678", text);
        Assert.DoesNotContain("1990", text);
        Assert.DoesNotContain("rue de la Paix", text);
    }

    [Fact]
    public void A_full_consent_for_the_card_sends_the_five_fields_it_needs()
    {
        var person = Data(PayloadMappers.Map(Enrolment("scop-agir-card", EverythingFilled))).GetProperty("data").GetProperty("person");
        Assert.Equal(["givenName", "familyName", "email", "birthDate", "postalAddress"], person.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("1990-04-12", person.GetProperty("birthDate").GetString());
    }

    [Fact]
    public void A_benefit_whose_needs_are_not_declared_receives_no_personal_field()
    {
        var text = PayloadMappers.Map(Enrolment("unknown-benefit", EverythingFilled)).Serialize();
        var person = JsonDocument.Parse(text).RootElement.GetProperty("data").GetProperty("person");
        Assert.Empty(person.EnumerateObject());
        Assert.DoesNotContain("Camille", text);
    }
}
