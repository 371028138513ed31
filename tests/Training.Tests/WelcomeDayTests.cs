using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Training.Tests.Support;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Training.Tests;

[Collection(TrainingServersCollection.Name)]
public sealed class WelcomeDayTests(TrainingServers servers, TrainingAppPerClass perClass)
    : TrainingTestBase(servers, perClass), IClassFixture<TrainingAppPerClass>
{
    [Fact]
    public async Task A_new_hire_is_invited_once_to_the_next_welcome_day_of_their_union_whatever_the_redeliveries()
    {
        var union = $"urscop-{Guid.NewGuid():N}"[..30];
        var welcome = await App.CreateCourseAsync(Client, "WelcomeDay");
        var later = await App.CreateSessionAsync(Client, capacity: 20, courseId: welcome, regionalUnion: union, startsOn: App.WorkingDay(60));
        var next = await App.CreateSessionAsync(Client, capacity: 20, courseId: welcome, regionalUnion: union, startsOn: App.WorkingDay(20));
        await App.CreateSessionAsync(Client, capacity: 20, courseId: welcome, regionalUnion: "urscop-elsewhere", startsOn: App.WorkingDay(10));
        Assert.NotEqual(later, next);

        var person = Guid.NewGuid();
        var hired = new PersonHired(Guid.NewGuid(), App.Time.GetUtcNow(), person, Guid.NewGuid(), union,
            ParisCalendar.Today(App.Time));
        await App.PublishAsync(hired);
        await App.PublishAsync(hired); // a redelivery: the same message id
        await App.PublishAsync(hired with { EventId = Guid.NewGuid() }); // the same fact published again

        await TrainingApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM inbox_messages WHERE consumer LIKE '%PersonHiredConsumer'") == 2, "both messages were consumed");
        var invitations = await (await Client.GetAsync($"/api/training/invitations?personId={person}")).ExpectAsync(200);
        var invitation = Assert.Single(invitations.GetProperty("items").EnumerateArray());
        Assert.Equal(next, invitation.GetProperty("sessionId").GetGuid());
        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Scop.Aspire.Contracts.Training.WelcomeDayInvited,%' AND body->>'personId' = @p",
            ("p", person.ToString())));
    }
}
