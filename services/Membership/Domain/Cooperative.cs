namespace Scop.Aspire.Membership.Domain;

/// <summary>The legal forms of the movement's cooperatives.</summary>
public enum LegalForm
{
    /// <summary>Société coopérative et participative (worker cooperative).</summary>
    Scop,

    /// <summary>Société coopérative d'intérêt collectif.</summary>
    Scic,

    /// <summary>Coopérative d'activité et d'emploi.</summary>
    Cae,
}

/// <summary>A cooperative registered with the movement.</summary>
public sealed class Cooperative
{
    public const int MaxNameLength = 200;

    private Cooperative()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public string Siren { get; private set; } = "";

    public LegalForm LegalForm { get; private set; }

    public string CommuneCode { get; private set; } = "";

    public string NafCode { get; private set; } = "";

    /// <summary>The regional union (UR) the cooperative belongs to, from its commune's région: whose delegates act for it.</summary>
    public string RegionalUnion { get; private set; } = "";

    public DateTimeOffset RegisteredAt { get; private set; }

    public const int MaxRegionalUnionLength = 64;

    public static Cooperative Register(string name, string siren, LegalForm legalForm, string communeCode, string nafCode,
        string regionalUnion, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Name = name,
        Siren = siren,
        LegalForm = legalForm,
        CommuneCode = communeCode,
        NafCode = nafCode,
        RegionalUnion = regionalUnion,
        RegisteredAt = now,
    };
}
