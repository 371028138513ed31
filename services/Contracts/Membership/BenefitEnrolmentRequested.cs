namespace Scop.Aspire.Contracts.Membership;

/// <summary>
/// A worker-member asked to enrol in a member benefit that a partner provides (e.g. the SCOP AGIR bank card offer).
/// <see cref="Person"/> carries only the personal fields the person consented to share with that partner; the
/// others are null and absent from <see cref="PersonalData.ConsentedFields"/>.
/// </summary>
public sealed record BenefitEnrolmentRequested(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid EnrolmentId,
    Guid PersonId,
    Guid CooperativeId,
    string BenefitCode,
    string PartnerCode,
    PersonalData Person) : IIntegrationEvent;

/// <summary>
/// Personal fields a person agreed to share for one enrolment. <see cref="ConsentedFields"/> names them
/// (<c>givenName</c>, <c>familyName</c>, <c>email</c>, <c>phone</c>, <c>birthDate</c>, <c>postalAddress</c>).
/// </summary>
public sealed record PersonalData(
    IReadOnlyList<string> ConsentedFields,
    string? GivenName = null,
    string? FamilyName = null,
    string? Email = null,
    string? Phone = null,
    DateOnly? BirthDate = null,
    string? PostalAddress = null)
{
    public const string GivenNameField = "givenName";
    public const string FamilyNameField = "familyName";
    public const string EmailField = "email";
    public const string PhoneField = "phone";
    public const string BirthDateField = "birthDate";
    public const string PostalAddressField = "postalAddress";
}
