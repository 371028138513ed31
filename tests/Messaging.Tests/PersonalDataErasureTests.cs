using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Scop.Aspire.ServiceDefaults.Data;

namespace Scop.Aspire.Messaging.Tests;

/// <summary>
/// The platform's part of a person's erasure in a service's database (<see cref="PersonalDataErasure"/>): what kept
/// idempotent answers and outbox rows say of the person goes; what names someone else stays.
/// </summary>
[Collection(MessagingCollection.Name)]
public sealed class PersonalDataErasureTests(MessagingServers servers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Erasure_empties_the_answers_and_deletes_the_sent_events_naming_the_person_and_their_waiting_events_once_published()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var service = await MessagingHost.StartAsync(servers, time);
        var person = Guid.CreateVersion7();
        var someoneElse = Guid.CreateVersion7();
        var data = service.Services.GetRequiredService<NpgsqlDataSource>();

        // Kept answers: one names the person in its target (upper case, as a client may write it), one in its Location,
        // one in its body; one is about someone else.
        await ExecuteAsync(data, """
            INSERT INTO idempotency_keys (caller, target, key, request_hash, status_code, location, body, created_at) VALUES
            ('user:a', 'POST /people/' || upper(@person) || '/enrolments', 'k1', 'h', 201, NULL, NULL, now()),
            ('user:a', 'POST /cooperatives/c/people', 'k2', 'h', 201, '/people/' || @person, NULL, now()),
            ('user:a', 'POST /sessions/s/bookings', 'k3', 'h', 201, '/bookings/b',
                jsonb_build_object('attendees', jsonb_build_array(jsonb_build_object('personId', @person))), now()),
            ('user:a', 'POST /sessions/s/bookings', 'k4', 'h', 201, '/bookings/c',
                jsonb_build_object('attendees', jsonb_build_array(jsonb_build_object('personId', @other))), now())
            """, person, someoneElse);

        // Events: one about the person and one about someone else, both published; one about the person still waiting
        // (a timer due in an hour).
        var sent = await service.SaveEventsAsync([(person.ToString(), 1), (someoneElse.ToString(), 1)]);
        await MessagingHost.WaitUntilAsync(async () => (await service.OutboxStateAsync()).Pending == 0, Patience, "both are published");
        var waiting = await service.SaveEventsAsync([(person.ToString(), 2)], notBefore: time.GetUtcNow().AddHours(1));

        await using (var scope = service.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.ForgetPersonAsync(person, CancellationToken.None);
            await transaction.CommitAsync();
        }

        // The answer whose target names the person is gone; those that named them in their Location or body keep
        // their status, and nothing else, so a late retry is still answered; the answer about someone else is whole.
        Assert.Equal(["k2 201 (none) (none)", "k3 201 (none) (none)", "k4 201 /bookings/c " + someoneElse], await KeysAsync(data));
        Assert.Equal([sent[1].EventId, waiting[0].EventId], await OutboxIdsAsync(data));
        Assert.True(await service.ScalarAsync<bool>($"SELECT delete_when_sent FROM outbox_messages WHERE id = '{waiting[0].EventId}'"));

        // The waiting event still leaves at its moment — other services need it — and is not kept once it has.
        time.Advance(TimeSpan.FromHours(1));
        service.Relay.Wake();
        await MessagingHost.WaitUntilAsync(async () => (await service.EffectsAsync()).Any(e => e.EventId == waiting[0].EventId),
            Patience, "the waiting event was published and consumed");
        await MessagingHost.WaitUntilAsync(async () => (await OutboxIdsAsync(data)).Count == 1, Patience, "its row is gone");
        Assert.Equal([sent[1].EventId], await OutboxIdsAsync(data));
    }

    private static async Task ExecuteAsync(NpgsqlDataSource data, string sql, Guid person, Guid other)
    {
        await using var command = data.CreateCommand(sql);
        command.Parameters.AddWithValue("person", person.ToString());
        command.Parameters.AddWithValue("other", other.ToString());
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> KeysAsync(NpgsqlDataSource data)
    {
        await using var command = data.CreateCommand(
            """
            SELECT key || ' ' || status_code || ' ' || coalesce(location, '(none)') || ' '
                || coalesce(body #>> '{attendees,0,personId}', '(none)')
            FROM idempotency_keys ORDER BY key
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    private static async Task<List<Guid>> OutboxIdsAsync(NpgsqlDataSource data)
    {
        await using var command = data.CreateCommand("SELECT id FROM outbox_messages ORDER BY sequence");
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
