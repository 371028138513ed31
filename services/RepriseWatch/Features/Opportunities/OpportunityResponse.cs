using Scop.Aspire.ReferenceData;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.RepriseWatch.Features.Opportunities;

/// <summary>
/// An opportunity as the caller may see it. <see cref="CompanyName"/> and <see cref="Siren"/> are null when its
/// confidentiality hides the company from the caller (<see cref="CompanyHidden"/>); the pipeline's own notes (contact
/// date, summary, lost comment, the reporter's description of the cause, the successor) are for those who act on it —
/// the union's delegates and staff — and null for its reporters, who follow its stage.
/// </summary>
public sealed record OpportunityResponse(
    Guid Id,
    Stage Stage,
    string? CompanyName,
    string? Siren,
    bool CompanyHidden,
    string NafCode,
    string? NafLabel,
    string CommuneCode,
    string? CommuneName,
    string? Departement,
    string RegionalUnion,
    int Headcount,
    TakeoverCause Cause,
    OwnerAgeBand? OwnerAgeBand,
    string? CauseDetail,
    DateOnly? Deadline,
    Confidentiality Confidentiality,
    DateTimeOffset ReportedAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset? StaleSince,
    DateOnly? ContactedOn,
    int? JobsAtStake,
    string? FeasibilitySummary,
    LostReason? LostReason,
    string? LostComment,
    DateTimeOffset? ClosedAt,
    string? SuccessorSiren,
    Guid? CooperativeId,
    int? JobsKept,
    int Reporters,
    string ETag)
{
    public static OpportunityResponse From(Opportunity o, CallerScope scope, FrenchReferenceData reference) =>
        From(o, seesCompany: scope.SeesCompany(o), actsOn: scope.ActsFor(o.RegionalUnion), o.Reporters.Count, reference);

    public static OpportunityResponse From(Opportunity o, bool seesCompany, bool actsOn, int reporters, FrenchReferenceData reference)
    {
        var commune = reference.FindCommune(o.CommuneCode);
        reference.TryNormalizeNafCode(o.NafCode, out _, out var nafLabel);
        return new OpportunityResponse(o.Id, o.Stage,
            seesCompany ? o.CompanyName : null, seesCompany ? o.Siren : null, !seesCompany,
            o.NafCode, nafLabel.Length == 0 ? null : nafLabel, o.CommuneCode, commune?.Name, commune?.Departement,
            o.RegionalUnion, o.Headcount, o.Cause, o.OwnerAgeBand, actsOn ? o.CauseDetail : null, o.Deadline,
            o.Confidentiality, o.ReportedAt, o.LastActivityAt, o.StaleSince,
            actsOn ? o.ContactedOn : null, o.JobsAtStake, actsOn ? o.FeasibilitySummary : null, o.LostReason,
            actsOn ? o.LostComment : null, o.ClosedAt, actsOn ? o.SuccessorSiren : null, o.CooperativeId, o.JobsKept,
            reporters, Preconditions.ETagOf(o.Version));
    }
}
