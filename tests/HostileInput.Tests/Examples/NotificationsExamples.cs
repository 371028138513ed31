using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.HostileInput.Tests.Contract;
using Scop.Aspire.HostileInput.Tests.Support;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.HostileInput.Tests.Examples;

/// <summary>
/// A person of the register, known to the service by their hire (with an address), told of a mandate that started: one
/// notification in their inbox and one e-mail to the mail server. Every caller's token names that person, so the
/// inbox and the preferences are theirs.
/// </summary>
public sealed class NotificationsExamples : ServiceExamples
{
    private readonly Guid person = Guid.CreateVersion7();

    public override string Service => ResourceNames.Notifications;

    /// <summary>E-mails due: the sender hands them to the mail server on its own.</summary>
    public override IReadOnlyList<string> PendingWork =>
        [.. base.PendingWork, "SELECT count(*) FROM notifications WHERE email_status IN ('Pending', 'Retrying') AND next_attempt_at <= now()"];

    public override async Task SetUpAsync(ServiceContext context, ExampleValues examples)
    {
        var bus = context.Service.Services.GetRequiredService<IBus>();
        var now = DateTimeOffset.UtcNow;
        var hired = new PersonHired(Guid.NewGuid(), now, person, Guid.CreateVersion7(), Callers.RegionalUnion,
            ParisCalendar.DateOf(now), PersonRoles.Employee, $"camille.{person:N}@example.coop");
        await bus.Publish(hired, c => c.MessageId = hired.EventId);
        var started = new MandateStarted(Guid.NewGuid(), now, Guid.NewGuid(), person, "regional", "Administratrice",
            Callers.RegionalUnion, ParisCalendar.DateOf(now), null);
        await bus.Publish(started, c => c.MessageId = started.EventId);

        await using var connection = new NpgsqlConnection(context.Service.DatabaseConnectionString);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow + ServiceContext.Patience;
        Guid? notification;
        while ((notification = await NotificationOfAsync(connection)) is null)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"notifications did not tell the person of their mandate within {ServiceContext.Patience.TotalSeconds} s");
            }

            await Task.Delay(100);
        }

        examples
            .Set("notifications.id", notification.Value)
            .Set("recipientId", person)
            .Set("eventId", started.EventId)
            .Set("ListNotifications.kind", JsonValue.Create("mandate-started"))
            .Set("ListNotifications.status", JsonValue.Create("sent"))
            .Set("If-Match", JsonValue.Create("*"))
            .Set("kinds", new JsonArray(new JsonObject { ["kind"] = "mandate-started", ["email"] = false, ["inbox"] = true }))
            .Set("before", ExampleValues.Omitted);
    }

    public override Task<string?> TokenAsync(ServiceContext context, string role) =>
        Task.FromResult<string?>(TestTokens.For(PlatformAudiences.Notifications, role, Callers.RegionalUnionOf(role),
            Callers.CooperativeOf(role), personId: person));

    private async Task<Guid?> NotificationOfAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(
            "SELECT id FROM notifications WHERE recipient_id = @person AND email_status = 'Sent'", connection);
        command.Parameters.AddWithValue("person", person);
        return await command.ExecuteScalarAsync() as Guid?;
    }
}
