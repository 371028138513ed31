using MassTransit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Identity;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Identity.Data;
using Scop.Aspire.Identity.Domain;
using Scop.Aspire.Identity.Features.Account;
using Scop.Aspire.Identity.Features.Admin;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Identity.Consumers;

/// <summary>
/// A person the register hired gets an account linked to them: user name and e-mail the register's address, no
/// password yet, the role <c>member</c> (and <c>cooperative-manager</c> of their cooperative for a manager), their
/// person id issued in every token as <c>person_id</c>. The invitation to choose the password is a one-time link
/// (<see cref="AccountInvitation"/>) that <see cref="AccountInvited"/> carries to whoever e-mails it. A person hired
/// without an address, or whose address is already another account's, gets no account (an administrator links them).
/// </summary>
public sealed partial class PersonHiredConsumer(IdentityServiceDbContext db, TimeProvider time, UserManager<PlatformUser> users,
    IdentityServerSettings settings, ILogger<PersonHiredConsumer> logger)
    : InboxConsumer<PersonHired, IdentityServiceDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonHired> context, CancellationToken ct)
    {
        var hired = context.Message;
        if (await Db.Users.AnyAsync(u => u.PersonId == hired.PersonId, ct))
        {
            return; // the account exists: a second hire of the same person changes nothing here
        }

        if (string.IsNullOrWhiteSpace(hired.Email))
        {
            return;
        }

        var email = hired.Email.Trim();
        if (await users.FindByNameAsync(email) is not null || await users.FindByEmailAsync(email) is not null)
        {
            LogAddressTaken(logger, hired.PersonId);
            return;
        }

        var manager = hired.Role == PersonRoles.Manager;
        var user = new PlatformUser
        {
            UserName = email,
            Email = email,
            PersonId = hired.PersonId,
            CooperativeId = manager ? hired.CooperativeId : null,
        };
        string[] granted = manager ? [PlatformRoles.Member, PlatformRoles.CooperativeManager] : [PlatformRoles.Member];
        await AdminEndpoints.EnsureRolesAsync(Db, granted, ct);
        Check(await users.CreateAsync(user));
        Check(await users.AddToRolesAsync(user, granted));

        var now = Time.GetUtcNow();
        var (invitation, token) = AccountInvitation.New(user.Id, now, TimeSpan.FromHours(settings.InvitationHours));
        Db.Invitations.Add(invitation);
        Db.AddIntegrationEvent(new AccountInvited(Guid.CreateVersion7(now), now, hired.PersonId, email,
            Activation.LinkFor(settings, token), invitation.ExpiresAt), aggregateId: hired.PersonId.ToString());
    }

    internal static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => $"{e.Code}: {e.Description}")));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No account made for person {PersonId}: their e-mail address is already another account's")]
    private static partial void LogAddressTaken(ILogger logger, Guid personId);
}

/// <summary>A person linked to an account becomes their cooperative's manager: the account gets the role and the cooperative.</summary>
public sealed class PersonRoleStartedConsumer(IdentityServiceDbContext db, TimeProvider time, UserManager<PlatformUser> users)
    : InboxConsumer<PersonRoleStarted, IdentityServiceDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonRoleStarted> context, CancellationToken ct)
    {
        var started = context.Message;
        if (started.Role != PersonRoles.Manager
            || await Db.Users.SingleOrDefaultAsync(u => u.PersonId == started.PersonId, ct) is not { } user)
        {
            return;
        }

        user.CooperativeId = started.CooperativeId;
        PersonHiredConsumer.Check(await users.UpdateAsync(user));
        if (!await users.IsInRoleAsync(user, PlatformRoles.CooperativeManager))
        {
            await AdminEndpoints.EnsureRolesAsync(Db, [PlatformRoles.CooperativeManager], ct);
            PersonHiredConsumer.Check(await users.AddToRoleAsync(user, PlatformRoles.CooperativeManager));
        }
    }
}

/// <summary>
/// A person left their cooperative: their account no longer manages it (the role and the cooperative go); they keep
/// their account and what is theirs (their passport, their bookings).
/// </summary>
public sealed class PersonLeftConsumer(IdentityServiceDbContext db, TimeProvider time, UserManager<PlatformUser> users)
    : InboxConsumer<PersonLeft, IdentityServiceDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonLeft> context, CancellationToken ct)
    {
        var left = context.Message;
        if (await Db.Users.SingleOrDefaultAsync(u => u.PersonId == left.PersonId, ct) is not { } user
            || user.CooperativeId != left.CooperativeId)
        {
            return;
        }

        user.CooperativeId = null;
        PersonHiredConsumer.Check(await users.UpdateAsync(user));
        if (await users.IsInRoleAsync(user, PlatformRoles.CooperativeManager))
        {
            PersonHiredConsumer.Check(await users.RemoveFromRoleAsync(user, PlatformRoles.CooperativeManager));
        }
    }
}

/// <summary>
/// Erasure: the person's account (their address, their password, their invitations, their grants) is deleted, and the
/// outbox keeps no copy of their invitation once published.
/// </summary>
public sealed class PersonErasedConsumer(IdentityServiceDbContext db, TimeProvider time, UserManager<PlatformUser> users)
    : InboxConsumer<PersonErased, IdentityServiceDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonErased> context, CancellationToken ct)
    {
        await Db.ForgetPersonAsync(context.Message.PersonId, ct);
        if (await Db.Users.SingleOrDefaultAsync(u => u.PersonId == context.Message.PersonId, ct) is not { } user)
        {
            return;
        }

        await Db.Invitations.Where(i => i.UserId == user.Id).ExecuteDeleteAsync(ct);
        PersonHiredConsumer.Check(await users.DeleteAsync(user));
    }
}
