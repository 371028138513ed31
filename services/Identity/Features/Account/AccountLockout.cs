using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Scop.Aspire.Identity.Domain;

namespace Scop.Aspire.Identity.Features.Account;

/// <summary>
/// An account's temporary lock (ASP.NET Core Identity's <c>LockoutEnd</c>), read on the platform's clock. Locked only
/// by <see cref="SignInThrottle.AccountUnderAttackAsync"/>, for <see cref="SignInLimits.LockoutMinutes"/>; while it
/// lasts the sign-in page refuses even the right password, and no code or refresh token of the account is honoured.
/// </summary>
public sealed class AccountLockout(IdentityServerSettings settings, TimeProvider time)
{
    public bool IsLocked(PlatformUser user) => user.LockoutEnd is { } end && end > time.GetUtcNow();

    public async Task LockAsync(PlatformUser user, UserManager<PlatformUser> users)
    {
        // Locking is on for every account; one created with it off is turned on rather than left unlockable.
        if (!user.LockoutEnabled)
        {
            await users.SetLockoutEnabledAsync(user, true);
        }

        await users.SetLockoutEndDateAsync(user, time.GetUtcNow().AddMinutes(settings.SignIn.LockoutMinutes));
    }
}

/// <summary>
/// The hash a password is checked against when the user name is unknown (or the account has no password): made once
/// by the same hasher, with the same cost, as the users' own. The sign-in page then does the same work for a name
/// that does not exist as for one that does, and its answer time tells nothing about which names exist.
/// </summary>
public sealed class UnknownUserPassword
{
    private static readonly PlatformUser Nobody = new() { UserName = "nobody" };
    private string? hash;

    public bool Verify(IPasswordHasher<PlatformUser> hasher, string password)
    {
        hash ??= hasher.HashPassword(Nobody, Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
        hasher.VerifyHashedPassword(Nobody, hash, password);
        return false;
    }
}
