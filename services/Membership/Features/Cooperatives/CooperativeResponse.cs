using Scop.Aspire.Membership.Domain;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.Membership.Features.Cooperatives;

public sealed record CooperativeResponse(
    Guid Id,
    string Name,
    string Siren,
    LegalForm LegalForm,
    string CommuneCode,
    string? CommuneName,
    string? Departement,
    string? Region,
    string NafCode,
    string? NafLabel,
    string RegionalUnion,
    DateTimeOffset RegisteredAt,
    string? Street,
    string? PostalCode,
    string? EpciCode,
    string? EpciName,
    IReadOnlyList<string> TradeFederations,
    int? Headcount,
    int? WorkerMembers,
    bool ProfitSharingAgreement,
    DateOnly? FoundedOn,
    string ETag)
{
    public static CooperativeResponse From(Cooperative cooperative, FrenchReferenceData reference) =>
        From(cooperative.Id, cooperative.Name, cooperative.Siren, cooperative.LegalForm, cooperative.CommuneCode,
            cooperative.NafCode, cooperative.RegionalUnion, cooperative.RegisteredAt, cooperative.Street,
            cooperative.PostalCode, cooperative.TradeFederations, cooperative.Headcount, cooperative.WorkerMembers,
            cooperative.ProfitSharingAgreement, cooperative.FoundedOn, cooperative.Version, reference);

    /// <summary>The answer from a cooperative's stored fields, with the names its codes stand for.</summary>
    public static CooperativeResponse From(Guid id, string name, string siren, LegalForm legalForm, string communeCode,
        string nafCode, string regionalUnion, DateTimeOffset registeredAt, string? street, string? postalCode,
        IReadOnlyList<string> tradeFederations, int? headcount, int? workerMembers, bool profitSharingAgreement,
        DateOnly? foundedOn, uint version, FrenchReferenceData reference)
    {
        var commune = reference.FindCommune(communeCode);
        reference.TryNormalizeNafCode(nafCode, out _, out var nafLabel);
        var epci = string.IsNullOrEmpty(commune?.Epci) ? null : commune.Epci;
        return new CooperativeResponse(id, name, siren, legalForm, communeCode, commune?.Name, commune?.Departement,
            commune?.Region, nafCode, nafLabel.Length == 0 ? null : nafLabel, regionalUnion, registeredAt, street,
            postalCode, epci, reference.EpciName(epci), tradeFederations, headcount, workerMembers,
            profitSharingAgreement, foundedOn, Preconditions.ETagOf(version));
    }

    /// <summary>A strong entity tag from the row version: it changes with every committed update.</summary>
    public static string ETagOf(Cooperative cooperative) => Preconditions.ETagOf(cooperative.Version);
}

/// <summary>The optional details of a cooperative, as a request carries them, and their validation.</summary>
public sealed record CooperativeDetailsInput(
    string? Street,
    string? PostalCode,
    IReadOnlyList<string>? TradeFederations,
    int? Headcount,
    int? WorkerMembers,
    bool? ProfitSharingAgreement,
    DateOnly? FoundedOn)
{
    public CooperativeDetails Validate(Scop.Aspire.ServiceDefaults.Http.ValidationErrors errors, DateOnly today)
    {
        var street = string.IsNullOrWhiteSpace(Street) ? null : Street.Trim();
        if (street is { Length: > Cooperative.MaxStreetLength })
        {
            errors.Add("street", $"At most {Cooperative.MaxStreetLength} characters.");
        }

        var postalCode = string.IsNullOrWhiteSpace(PostalCode) ? null : PostalCode.Trim();
        if (postalCode is not null && (postalCode.Length != 5 || !postalCode.All(char.IsAsciiDigit)))
        {
            errors.Add("postalCode", "Five digits (e.g. 69002).");
        }

        var federations = (TradeFederations ?? []).Select(f => f?.Trim().ToLowerInvariant() ?? "").Distinct().ToList();
        foreach (var unknown in federations.Where(f => !Domain.TradeFederations.All.ContainsKey(f)))
        {
            errors.Add("tradeFederations", $"'{unknown}' is not a trade federation; one of {string.Join(", ", Domain.TradeFederations.All.Keys)}.");
        }

        if (Headcount is < 0 or > 1_000_000)
        {
            errors.Add("headcount", "Between 0 and 1,000,000.");
        }

        if (WorkerMembers is < 0 or > 1_000_000)
        {
            errors.Add("workerMembers", "Between 0 and 1,000,000.");
        }
        else if (WorkerMembers is { } members && Headcount is { } headcount && members > headcount)
        {
            errors.Add("workerMembers", "Cannot exceed the headcount: worker-members are employees.");
        }

        if (FoundedOn is { } founded && (founded > today || founded.Year < 1850))
        {
            errors.Add("foundedOn", "A date between 1850 and today.");
        }

        return new CooperativeDetails(street, postalCode, federations, Headcount, WorkerMembers,
            ProfitSharingAgreement ?? false, FoundedOn);
    }
}
