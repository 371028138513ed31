using Scop.Aspire.Web.Api;
using Scop.Aspire.Web.Api.Membership;

namespace Scop.Aspire.Web.Components.Shared;

/// <summary>
/// The names of cooperatives other services know by their register id only (the job premiums): read from their public
/// card, which everyone may see; one the register no longer shows is said so.
/// </summary>
public static class CooperativeNames
{
    public static async Task<IReadOnlyDictionary<Guid, string>> OfAsync(MembershipClient membership, IEnumerable<Guid> cooperatives)
    {
        var ids = cooperatives.Distinct().ToList();
        var names = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                return (await membership.GetPublicCooperativeCardAsync(id)).Name;
            }
            catch (ApiException exception) when (exception.StatusCode is 403 or 404)
            {
                return "Coopérative hors du registre";
            }
        }));
        return ids.Zip(names).ToDictionary(p => p.First, p => p.Second);
    }
}
