using Scop.Aspire.Web.Api;
using Scop.Aspire.Web.Api.Membership;

namespace Scop.Aspire.Web.Components.Shared;

/// <summary>
/// The names of people other services know by their register id only (the pool of future managers, the proposals):
/// read from the register, which answers for those the reader may see; someone erased or out of sight is said so.
/// </summary>
public static class PersonNames
{
    public static async Task<IReadOnlyDictionary<Guid, string>> OfAsync(MembershipClient membership, IEnumerable<Guid> people)
    {
        var ids = people.Distinct().ToList();
        var names = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                var person = await membership.GetPersonAsync(id);
                return person.Erased ? "Personne effacée" : $"{person.GivenName} {person.FamilyName}";
            }
            catch (ApiException exception) when (exception.StatusCode is 403 or 404)
            {
                return "Personne hors de votre union";
            }
        }));
        return ids.Zip(names).ToDictionary(p => p.First, p => p.Second);
    }
}
