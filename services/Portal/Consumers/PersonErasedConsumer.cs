using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Portal.Consumers;

/// <summary>
/// Erasure: the guide versions the person proposed stay (the guide is the network's), without the link to them; the
/// person's saved watch filters and space memberships go, their posts, threads and documents stay without the link to
/// them (a post loses its author's person id, subject and display name); the kept idempotent answers and outbox rows
/// that named them go, as in every service.
/// </summary>
public sealed class PersonErasedConsumer(PortalDbContext db, TimeProvider time)
    : InboxConsumer<PersonErased, PortalDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonErased> context, CancellationToken ct)
    {
        var person = context.Message.PersonId;
        await Db.Database.ExecuteSqlAsync(
            $"UPDATE guide_versions SET proposed_by_person = NULL, proposed_by = 'erased' WHERE proposed_by_person = {person}", ct);
        await Db.SavedWatchFilters.Where(f => f.PersonId == person).ExecuteDeleteAsync(ct);
        await Db.SpaceMembers.Where(m => m.PersonId == person).ExecuteDeleteAsync(ct);
        await Db.Database.ExecuteSqlAsync(
            $"UPDATE space_posts SET author_person_id = NULL, author = 'erased', author_name = NULL WHERE author_person_id = {person}", ct);
        await Db.Database.ExecuteSqlAsync(
            $"UPDATE space_posts SET mentions = array_remove(mentions, {person}) WHERE mentions @> ARRAY[{person}]", ct);
        await Db.Database.ExecuteSqlAsync($"UPDATE space_threads SET started_by = NULL WHERE started_by = {person}", ct);
        await Db.Database.ExecuteSqlAsync($"UPDATE space_documents SET uploaded_by = NULL WHERE uploaded_by = {person}", ct);
        await Db.ForgetPersonAsync(person, ct);
    }
}
