using Scop.Aspire.ReferenceData;

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

    /// <summary>The NAF division (the code's first two digits), kept beside the code so a search by division is an index lookup.</summary>
    public string NafDivision { get; private set; } = "";

    /// <summary>The name as the search compares it (<see cref="SearchText.Fold"/>), kept in step with <see cref="Name"/>.</summary>
    public string SearchName { get; private set; } = "";

    /// <summary>The regional union (UR) the cooperative belongs to, from its commune's région: whose delegates act for it.</summary>
    public string RegionalUnion { get; private set; } = "";

    public DateTimeOffset RegisteredAt { get; private set; }

    /// <summary>Street address (number, street, complement), without the commune.</summary>
    public string? Street { get; private set; }

    public string? PostalCode { get; private set; }

    /// <summary>Trade federations the cooperative adheres to (codes of <see cref="TradeFederations"/>).</summary>
    public List<string> TradeFederations { get; private set; } = [];

    public int? Headcount { get; private set; }

    public int? WorkerMembers { get; private set; }

    public bool ProfitSharingAgreement { get; private set; }

    public DateOnly? FoundedOn { get; private set; }

    /// <summary>PostgreSQL's row version (xmin): the ETag, and the optimistic concurrency token of updates.</summary>
    public uint Version { get; private set; }

    public const int MaxRegionalUnionLength = 64;
    public const int MaxStreetLength = 200;

    /// <summary>Sets the details a cooperative declares beyond its identity (at registration or on update).</summary>
    public void Describe(CooperativeDetails details)
    {
        Street = details.Street;
        PostalCode = details.PostalCode;
        TradeFederations = [.. details.TradeFederations];
        Headcount = details.Headcount;
        WorkerMembers = details.WorkerMembers;
        ProfitSharingAgreement = details.ProfitSharingAgreement;
        FoundedOn = details.FoundedOn;
    }

    /// <summary>Changes what may change after registration; the SIREN and the legal form do not.</summary>
    public void Update(string name, string communeCode, string nafCode, string regionalUnion, CooperativeDetails details)
    {
        Rename(name);
        CommuneCode = communeCode;
        Classify(nafCode);
        RegionalUnion = regionalUnion;
        Describe(details);
    }

    public static Cooperative Register(string name, string siren, LegalForm legalForm, string communeCode, string nafCode,
        string regionalUnion, DateTimeOffset now)
    {
        var cooperative = new Cooperative
        {
            Id = Guid.CreateVersion7(now),
            Siren = siren,
            LegalForm = legalForm,
            CommuneCode = communeCode,
            RegionalUnion = regionalUnion,
            RegisteredAt = now,
        };
        cooperative.Rename(name);
        cooperative.Classify(nafCode);
        return cooperative;
    }

    private void Rename(string name)
    {
        Name = name;
        SearchName = SearchText.Fold(name);
    }

    /// <param name="nafCode">A sub-class of the NAF list ("43.21A"), checked by the caller.</param>
    private void Classify(string nafCode)
    {
        NafCode = nafCode;
        NafDivision = nafCode[..2];
    }
}

/// <summary>What a cooperative declares about itself beyond its identity.</summary>
public sealed record CooperativeDetails(
    string? Street,
    string? PostalCode,
    IReadOnlyList<string> TradeFederations,
    int? Headcount,
    int? WorkerMembers,
    bool ProfitSharingAgreement,
    DateOnly? FoundedOn)
{
    public static CooperativeDetails None { get; } = new(null, null, [], null, null, false, null);
}

/// <summary>The trade federations of the movement a cooperative may adhere to.</summary>
public static class TradeFederations
{
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["scop-btp"] = "Fédération des SCOP du BTP",
        ["scop-industrie"] = "Fédération des SCOP de l'Industrie",
        ["scop-communication"] = "Fédération de la Communication",
    };
}
