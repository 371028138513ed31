using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Identity.Data;
using Scop.Aspire.Identity.Domain;

namespace Scop.Aspire.Identity.Features.Account;

/// <summary>
/// The sign-in page's defence against guessing, in the identity database so that it holds across replicas (see
/// <see cref="SignInLimits"/>). Per client address first: the attempt is recorded before its password is checked,
/// under a lock on the address, so a burst of parallel guesses is counted as it arrives, not after its hashes. Per
/// account only afterwards, and only from several addresses: a single address is throttled long before it could lock
/// anyone out.
/// </summary>
public sealed class SignInThrottle(IdentityServiceDbContext db, IdentityServerSettings settings, TimeProvider time)
{
    private TimeSpan Window => TimeSpan.FromMinutes(settings.SignIn.WindowMinutes);

    public abstract record Admission;

    /// <summary>The attempt may go on; it is recorded as <paramref name="AttemptId"/> until it succeeds.</summary>
    public sealed record Admitted(long AttemptId, string Account) : Admission;

    /// <summary>Too many failures from this address: nothing is checked until <paramref name="RetryAfter"/> has passed.</summary>
    public sealed record Throttled(TimeSpan RetryAfter) : Admission;

    /// <summary>The key of an account in the attempts table: a hash of the normalised name, never the name itself.</summary>
    public static string AccountKey(string normalizedUserName) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedUserName)));

    public async Task<Admission> AdmitAsync(string clientAddress, string normalizedUserName, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var since = now - Window;
        var limit = settings.SignIn.FailuresPerAddress;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // One admission per address at a time (held until commit): parallel guesses queue here and see each other.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({clientAddress}, 28))", ct);
        var recent = await db.SignInAttempts
            .Where(a => a.ClientAddress == clientAddress && a.StartedAt > since)
            .OrderBy(a => a.StartedAt).Select(a => a.StartedAt).ToListAsync(ct);
        if (recent.Count >= limit)
        {
            // Admitted again once enough failures have left the window to leave room for one more.
            var freesAt = recent[recent.Count - limit] + Window;
            return new Throttled(freesAt - now);
        }

        var attempt = new SignInAttempt { ClientAddress = clientAddress, Account = AccountKey(normalizedUserName), StartedAt = now };
        db.SignInAttempts.Add(attempt);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new Admitted(attempt.Id, attempt.Account);
    }

    /// <summary>The password was right: the attempt is no failure.</summary>
    public Task SucceededAsync(Admitted attempt, CancellationToken ct) =>
        db.SignInAttempts.Where(a => a.Id == attempt.AttemptId).ExecuteDeleteAsync(ct);

    /// <summary>
    /// Whether the account has failed, within the window, <see cref="SignInLimits.AccountFailures"/> times from at least
    /// <see cref="SignInLimits.AccountAddresses"/> different addresses: then it is locked.
    /// </summary>
    public async Task<bool> AccountUnderAttackAsync(Admitted attempt, CancellationToken ct)
    {
        var since = time.GetUtcNow() - Window;
        var failures = db.SignInAttempts.Where(a => a.Account == attempt.Account && a.StartedAt > since);
        return await failures.CountAsync(ct) >= settings.SignIn.AccountFailures
            && await failures.Select(a => a.ClientAddress).Distinct().CountAsync(ct) >= settings.SignIn.AccountAddresses;
    }
}

/// <summary>Deletes the attempts that have left the window, every minute, so that no address or account key lingers.</summary>
public sealed partial class SignInAttemptPurge(IServiceProvider services, IdentityServerSettings settings, TimeProvider time,
    ILogger<SignInAttemptPurge> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>();
                var before = time.GetUtcNow() - TimeSpan.FromMinutes(settings.SignIn.WindowMinutes);
                await db.SignInAttempts.Where(a => a.StartedAt <= before).ExecuteDeleteAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogPurgeFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging old sign-in attempts failed; the next round tries again")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
