namespace Scop.Aspire.Contracts.Training;

/// <summary>
/// A person completed a course: it is in their competence passport under <paramref name="CertificateNumber"/>.
/// <paramref name="CoursePath"/> is one of <c>Cooperative</c>, <c>Management</c>, <c>ElectedOfficials</c>,
/// <c>Managers</c>, <c>WelcomeDay</c>; <paramref name="Role"/> is <c>Employee</c> or <c>Manager</c>.
/// </summary>
public sealed record TrainingCompleted(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid PersonId,
    Guid CourseId,
    string CourseTitle,
    string CoursePath,
    Guid SessionId,
    string CertificateNumber,
    DateOnly CompletedOn,
    string Role,
    string? RegionalUnion,
    Guid? CooperativeId) : IIntegrationEvent;
