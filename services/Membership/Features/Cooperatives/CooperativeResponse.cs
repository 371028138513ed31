using Scop.Aspire.Membership.Domain;
using Scop.Aspire.Membership.ReferenceData;

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
    DateTimeOffset RegisteredAt)
{
    public static CooperativeResponse From(Cooperative cooperative, FrenchReferenceData reference)
    {
        var commune = reference.FindCommune(cooperative.CommuneCode);
        reference.TryNormalizeNafCode(cooperative.NafCode, out _, out var nafLabel);
        return new CooperativeResponse(cooperative.Id, cooperative.Name, cooperative.Siren, cooperative.LegalForm,
            cooperative.CommuneCode, commune?.Name, commune?.Departement, commune?.Region, cooperative.NafCode,
            nafLabel.Length == 0 ? null : nafLabel, cooperative.RegionalUnion, cooperative.RegisteredAt);
    }
}
