using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Ambassadors.Features.Clubs;

/// <summary>
/// Who sees and does what in a club: staff and the delegates of its union everything; its animators its roster, its
/// members and meetings; its members its roster and meetings. To anyone else its roster does not exist (404).
/// </summary>
public static class ClubAccess
{
    public static async Task<ClubRole?> RoleOfAsync(AmbassadorsDbContext db, Guid clubId, CallerScope scope, CancellationToken ct) =>
        scope.Person is { } person
            ? await db.ClubParticipants.AsNoTracking().Where(p => p.ClubId == clubId && p.PersonId == person)
                .Select(p => (ClubRole?)p.Role).SingleOrDefaultAsync(ct)
            : null;

    /// <summary>The region's union acts for the club (delegates) or the caller is staff.</summary>
    public static bool Manages(this CallerScope scope, Club club) => scope.ActsFor(club.RegionalUnion);
}
