namespace Scop.Aspire.Training.Domain;

/// <summary>The training paths of the catalogue.</summary>
public enum CoursePath
{
    Cooperative,
    Management,
    ElectedOfficials,
    Managers,
    WelcomeDay,
}

/// <summary>Who a course is for.</summary>
public enum Audience
{
    Everyone,
    WorkerMembers,
    Managers,
    ElectedOfficials,
    NewHires,
}

public sealed class Course
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxPrerequisites = 20;

    public Guid Id { get; set; }

    public required string Title { get; set; }

    public string? Description { get; set; }

    public CoursePath Path { get; set; }

    public Audience Audience { get; set; }

    /// <summary>Length in hours of teaching.</summary>
    public int DurationHours { get; set; }

    /// <summary>Courses to have completed first.</summary>
    public List<Guid> Prerequisites { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
}
