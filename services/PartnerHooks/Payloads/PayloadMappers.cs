using System.Text.Json.Nodes;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Contracts.RepriseWatch;
using Scop.Aspire.PartnerHooks.Domain;

namespace Scop.Aspire.PartnerHooks.Payloads;

/// <summary>
/// Data minimisation: for each event type, the payload a partner receives holds only what the partner needs, and of
/// a person's data only what that person consented to share. Internal identifiers (person, cooperative of a member)
/// never leave; the enrolment id is the reference a partner answers with.
/// </summary>
public static class PayloadMappers
{
    /// <summary>A cooperative joined: public register facts about a company, nothing about a person.</summary>
    public sealed record CooperativeJoinedData(Guid CooperativeId, string Name, string Siren, string LegalForm,
        string CommuneCode, string NafCode);

    public sealed record BenefitEnrolmentData(Guid EnrolmentId, string BenefitCode, EnrolledPerson Person);

    /// <summary>Each field is present only if the benefit needs it and the person consented to it.</summary>
    public sealed record EnrolledPerson(string? GivenName, string? FamilyName, string? Email, string? Phone,
        DateOnly? BirthDate, string? PostalAddress);

    public sealed record PingData(string Message, Guid EndpointId);

    /// <summary>
    /// A financing request of the seed fund, as one funder sees it: the parts of the compartments it funds and their sum,
    /// the takeover's region, sector and jobs, and the company only when the opportunity is open (its name is otherwise
    /// the union's to share). Other funders, their parts and the internal comments stay out.
    /// </summary>
    public sealed record SeedFundRequestData(Guid RequestId, Guid OpportunityId, string RegionalUnion, string NafCode, int? JobsAtStake,
        string? Siren, string? CompanyName, long Amount, IReadOnlyList<SeedFundPartData> Parts);

    public sealed record SeedFundDecisionData(Guid RequestId, Guid OpportunityId, string RegionalUnion, string Decision, long Amount,
        IReadOnlyList<SeedFundPartData> Parts);

    /// <summary>
    /// A job premium to double: the premium's id (the reference the bank answers with), the cooperative by its SIREN (a
    /// public register fact), its union, the year, the jobs and the amount in whole euros.
    /// </summary>
    public sealed record JobPremiumData(Guid PremiumId, string Siren, string RegionalUnion, int Year, int Jobs, long Amount);

    /// <summary>What the request takes from one compartment the partner funds, in whole euros.</summary>
    public sealed record SeedFundPartData(Guid CompartmentId, string CompartmentName, long Amount);

    /// <summary>
    /// The personal fields each benefit's partner needs to act on an enrolment. A benefit not listed here receives
    /// no personal field at all until someone decides what it needs.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> FieldsNeededByBenefit =
        new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
        {
            // The SCOP AGIR bank card offer: the bank contacts the member and opens the offer in their name.
            ["scop-agir-card"] = new HashSet<string>(StringComparer.Ordinal)
            {
                PersonalData.GivenNameField,
                PersonalData.FamilyNameField,
                PersonalData.EmailField,
                PersonalData.BirthDateField,
                PersonalData.PostalAddressField,
            },
        };

    public static CloudEvent Map(CooperativeJoined joined) => CloudEvent.Create(joined.EventId,
        CloudEvent.MembershipSource, EventTypes.CooperativeJoined, joined.OccurredAt,
        new CooperativeJoinedData(joined.CooperativeId, joined.Name, joined.Siren, joined.LegalForm,
            joined.CommuneCode, joined.NafCode));

    /// <summary>The partners a seed-fund event is for: those who fund a compartment it takes from.</summary>
    public static IReadOnlyList<string> FundersOf(IEnumerable<SeedFundPart> parts) =>
        parts.SelectMany(p => p.PartnerCodes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    public static CloudEvent Map(SeedFundFinancingRequested requested, string partnerCode)
    {
        var parts = PartsOf(requested.Parts, partnerCode);
        return CloudEvent.Create(requested.EventId, CloudEvent.RepriseWatchSource, EventTypes.SeedFundRequested, requested.OccurredAt,
            new SeedFundRequestData(requested.RequestId, requested.OpportunityId, requested.RegionalUnion, requested.NafCode,
                requested.JobsAtStake, requested.Siren, requested.CompanyName, parts.Sum(p => p.Amount), parts));
    }

    public static CloudEvent Map(SeedFundFinancingDecided decided, string partnerCode)
    {
        var parts = PartsOf(decided.Parts, partnerCode);
        return CloudEvent.Create(decided.EventId, CloudEvent.RepriseWatchSource,
            decided.Approved ? EventTypes.SeedFundApproved : EventTypes.SeedFundRefused, decided.OccurredAt,
            new SeedFundDecisionData(decided.RequestId, decided.OpportunityId, decided.RegionalUnion,
                decided.Approved ? "approved" : "refused", parts.Sum(p => p.Amount), parts));
    }

    public static CloudEvent Map(JobPremiumGranted granted) => CloudEvent.Create(granted.EventId, CloudEvent.RepriseWatchSource,
        EventTypes.JobPremiumGranted, granted.OccurredAt,
        new JobPremiumData(granted.PremiumId, granted.Siren, granted.RegionalUnion, granted.Year, granted.Jobs, granted.Amount));

    private static List<SeedFundPartData> PartsOf(IEnumerable<SeedFundPart> parts, string partnerCode) =>
        parts.Where(p => p.PartnerCodes.Contains(partnerCode, StringComparer.Ordinal))
            .Select(p => new SeedFundPartData(p.CompartmentId, p.CompartmentName, p.Amount)).ToList();

    public static CloudEvent Map(BenefitEnrolmentRequested requested)
    {
        var needed = FieldsNeededByBenefit.GetValueOrDefault(requested.BenefitCode) ?? new HashSet<string>();
        var consented = new HashSet<string>(requested.Person.ConsentedFields, StringComparer.Ordinal);
        bool Shared(string field) => needed.Contains(field) && consented.Contains(field);

        var person = requested.Person;
        return CloudEvent.Create(requested.EventId, CloudEvent.MembershipSource, EventTypes.BenefitEnrolmentRequested,
            requested.OccurredAt,
            new BenefitEnrolmentData(requested.EnrolmentId, requested.BenefitCode, new EnrolledPerson(
                Shared(PersonalData.GivenNameField) ? person.GivenName : null,
                Shared(PersonalData.FamilyNameField) ? person.FamilyName : null,
                Shared(PersonalData.EmailField) ? person.Email : null,
                Shared(PersonalData.PhoneField) ? person.Phone : null,
                Shared(PersonalData.BirthDateField) ? person.BirthDate : null,
                Shared(PersonalData.PostalAddressField) ? person.PostalAddress : null)));
    }

    /// <summary>
    /// A stored body with nothing left of the person it was about, for their erasure: an enrolment keeps its id and
    /// benefit, and its <c>person</c> becomes empty, as if they had consented to share nothing. Bodies of other event
    /// types carry nothing personal and come back unchanged.
    /// </summary>
    public static string WithoutPersonalData(string eventType, string body)
    {
        if (eventType != EventTypes.BenefitEnrolmentRequested
            || JsonNode.Parse(body) is not JsonObject cloudEvent || cloudEvent["data"] is not JsonObject data)
        {
            return body;
        }

        data["person"] = new JsonObject();
        return cloudEvent.ToJsonString();
    }

    public static CloudEvent Ping(Guid id, Guid endpointId, DateTimeOffset now) => CloudEvent.Create(id,
        CloudEvent.PartnerHooksSource, EventTypes.Ping, now,
        new PingData("Test event sent on request from the SCOP partner-hooks operations API.", endpointId));
}
