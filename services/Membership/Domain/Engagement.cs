namespace Scop.Aspire.Membership.Domain;

/// <summary>A benefit of the catalogue; <see cref="PartnerCode"/> names the partner that provides it, when one does.</summary>
public sealed record Benefit(string Code, string Name, string Description, string? PartnerCode);

public static class BenefitCatalogue
{
    public static readonly IReadOnlyList<Benefit> All =
    [
        new("union-sociale", "Union Sociale", "The movement's social fund: support for worker-members in hardship.", null),
        new("scop-agir-card", "Carte bancaire SCOP AGIR", "The SCOP AGIR bank card offer of the partner bank.", "credit-cooperatif"),
        new("mutual-health", "Mutuelle santé", "Mutual health insurance negotiated for the movement.", "mutuelle-scop"),
        new("leisure-discounts", "Réductions loisirs", "Discounts on holidays, culture and sport.", null),
    ];

    public static Benefit? Find(string? code) => All.FirstOrDefault(b => string.Equals(b.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>A person's enrolment in a benefit, with the personal fields they consented to share with its partner.</summary>
public sealed class BenefitEnrolment
{
    public Guid Id { get; init; }

    public Guid PersonId { get; init; }

    public Guid CooperativeId { get; init; }

    public string BenefitCode { get; init; } = "";

    public List<string> ConsentedFields { get; init; } = [];

    public DateTimeOffset ConsentedAt { get; init; }
}

public enum CooperativeEventKind
{
    Agm,
    Opening,
    Anniversary,

    /// <summary>
    /// The cooperative was labelled SCOP Ambassade: its kit is the signage, ordered by the ambassadors service's
    /// <c>SignageKitOrdered</c>, never declared by hand.
    /// </summary>
    AmbassadeLabel,
}

public enum KitStatus
{
    Requested,
    Shipped,
    Delivered,
}

/// <summary>An event a cooperative declares (AGM, opening, anniversary): it gets one "SCOP vitrine" kit.</summary>
public sealed class CooperativeEvent
{
    public Guid Id { get; init; }

    public Guid CooperativeId { get; init; }

    public string RegionalUnion { get; init; } = "";

    public CooperativeEventKind Kind { get; init; }

    public DateOnly HeldOn { get; init; }

    public DateTimeOffset DeclaredAt { get; init; }

    public KitShipment Kit { get; init; } = null!;
}

/// <summary>The welcome kit shipment of one event; the unique index on the event makes it one per event.</summary>
public sealed class KitShipment
{
    public Guid Id { get; init; }

    public Guid EventId { get; init; }

    public KitStatus Status { get; private set; }

    public DateTimeOffset RequestedAt { get; init; }

    public DateTimeOffset? ShippedAt { get; private set; }

    public DateTimeOffset? DeliveredAt { get; private set; }

    /// <summary>Forward only: requested → shipped → delivered; the same status again changes nothing.</summary>
    public bool TryMoveTo(KitStatus status, DateTimeOffset now)
    {
        if (status == Status)
        {
            return true;
        }

        if ((int)status != (int)Status + 1)
        {
            return false;
        }

        Status = status;
        if (status == KitStatus.Shipped)
        {
            ShippedAt = now;
        }
        else
        {
            DeliveredAt = now;
        }

        return true;
    }
}

public enum MandateLevel
{
    Regional,
    Federal,
    Confederal,
}

/// <summary>An elected official's mandate.</summary>
public sealed class Mandate
{
    public const int MaxTitleLength = 200;

    public Guid Id { get; init; }

    public Guid PersonId { get; init; }

    public string RegionalUnion { get; init; } = "";

    public MandateLevel Level { get; init; }

    public string Title { get; init; } = "";

    public DateOnly StartsOn { get; init; }

    public DateOnly? EndsOn { get; init; }
}

/// <summary>A course a person completed, as the training service reported it (TrainingCompleted).</summary>
public sealed class TrainingCompletion
{
    /// <summary>The course path that must be completed before taking a mandate.</summary>
    public const string ElectedOfficialsPath = "ElectedOfficials";

    public Guid Id { get; init; }

    public Guid PersonId { get; init; }

    public string CoursePath { get; init; } = "";

    public string CourseTitle { get; init; } = "";

    public string? CertificateNumber { get; set; }

    public DateOnly CompletedOn { get; init; }
}
