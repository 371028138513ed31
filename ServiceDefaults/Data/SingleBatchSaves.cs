using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Update;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.Internal;
using Npgsql.EntityFrameworkCore.PostgreSQL.Update.Internal;

// EF1001: the provider's batch is an internal type of Npgsql's EF Core provider; this file is the only place that uses
// it, and the tests in Messaging.Tests (SingleBatchSaveTests) say at once if an upgrade changes what it relies on.
#pragma warning disable EF1001

namespace Scop.Aspire.ServiceDefaults.Data;

/// <summary>
/// Lets a unit of work that EF Core sends as a single batch of inserts go without <c>BEGIN</c> and <c>COMMIT</c>.
/// <para>
/// EF Core wraps a batch of more than one statement in a transaction of its own. On PostgreSQL that transaction adds
/// nothing: Npgsql sends a batch's statements with one Sync message, and PostgreSQL runs everything before a Sync as
/// one implicit transaction, all or nothing (a failed statement skips the rest and rolls back the earlier ones). It
/// costs a round trip for the <c>COMMIT</c> and a reply for the <c>BEGIN</c>: a cooperative's registration, a row and
/// its outbox row, went from two round trips to PostgreSQL to one.
/// </para>
/// <para>
/// Only a lone batch of inserts is concerned. An insert either writes its row or fails, and a failure undoes the batch.
/// An UPDATE or DELETE that finds no row (its concurrency token changed, its row was deleted) is no failure to
/// PostgreSQL: the rest of the batch would commit, and only then would EF Core see the missing row and throw. So a batch
/// that updates or deletes keeps its transaction, which EF Core rolls back. EF Core also still begins a transaction
/// when a unit of work needs more than one batch (it knows before sending the first), and a save inside a transaction
/// begun on the context uses that transaction.
/// </para>
/// </summary>
internal sealed class SingleBatchSaves(ModificationCommandBatchFactoryDependencies dependencies, IDbContextOptions options)
    : IModificationCommandBatchFactory
{
    private readonly int maxBatchSize = options.FindExtension<NpgsqlOptionsExtension>()?.MaxBatchSize ?? DefaultMaxBatchSize;

    /// <summary>Npgsql's EF Core provider's own default.</summary>
    private const int DefaultMaxBatchSize = 1000;

    public ModificationCommandBatch Create() => new AtomicBatch(dependencies, maxBatchSize);

    private sealed class AtomicBatch(ModificationCommandBatchFactoryDependencies dependencies, int maxBatchSize)
        : NpgsqlModificationCommandBatch(dependencies, maxBatchSize)
    {
        public override bool RequiresTransaction =>
            base.RequiresTransaction && ModificationCommands.Any(command => command.EntityState != EntityState.Added);
    }
}
