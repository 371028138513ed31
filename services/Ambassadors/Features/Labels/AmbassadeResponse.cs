using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.Ambassadors.Features.Labels;

/// <summary>
/// An Ambassade's label as its manager, its union's delegates and staff see it. <see cref="MembershipCurrent"/> is what
/// membership's events say now (approval requires it); <see cref="MembershipCurrentAtReview"/> what they said at the
/// review. <see cref="MissingCriteria"/> names the checklist's criteria not found met.
/// </summary>
public sealed record AmbassadeResponse(
    Guid Id,
    Guid CooperativeId,
    string Name,
    string LegalForm,
    string NafCode,
    string CommuneCode,
    string CommuneName,
    string Departement,
    string Region,
    string RegionalUnion,
    LabelStatus Status,
    string? Motivation,
    DateTimeOffset AppliedAt,
    DateTimeOffset? RenewalRequestedAt,
    bool AwaitsDecision,
    DateOnly? VisitOn,
    bool? SignageInPlace,
    bool? CanWelcomeAndInform,
    bool? LocalRepresentation,
    bool? MembershipCurrentAtReview,
    bool MembershipCurrent,
    IReadOnlyList<string> MissingCriteria,
    DateTimeOffset? ReviewedAt,
    DateTimeOffset? DecidedAt,
    string? Reason,
    DateOnly? LabelledOn,
    DateOnly? LabelEndsOn,
    double? Latitude,
    double? Longitude,
    AmbassadePositionSource PositionSource,
    string ETag)
{
    public static AmbassadeResponse From(Ambassade a, bool membershipCurrent, FrenchPlaces places) => new(a.Id, a.CooperativeId,
        a.Name, a.LegalForm, a.NafCode, a.CommuneCode, places.FindCommune(a.CommuneCode)?.Name ?? a.CommuneCode, a.Departement,
        a.Region, a.RegionalUnion, a.Status, a.Motivation, a.AppliedAt, a.RenewalRequestedAt, a.AwaitsDecision, a.VisitOn,
        a.SignageInPlace, a.CanWelcomeAndInform, a.LocalRepresentation, a.MembershipCurrent, membershipCurrent,
        a.MissingCriteria(), a.ReviewedAt, a.DecidedAt, a.Reason, a.LabelledOn, a.LabelEndsOn, a.Latitude, a.Longitude, a.PositionSource, Preconditions.ETagOf(a.Version));
}

/// <summary>One line of a label's history: the step, from which status to which, when, who and why.</summary>
public sealed record AmbassadeHistoryResponse(Guid Id, string Step, LabelStatus? FromStatus, LabelStatus ToStatus,
    DateTimeOffset At, Guid? ActorPersonId, string ActorRole, string? ActorRegionalUnion, string? Reason, string? Comment);
