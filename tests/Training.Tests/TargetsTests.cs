using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Training.Tests.Support;

namespace Scop.Aspire.Training.Tests;

/// <summary>
/// The yearly target comes from the register: 5 % of the people it counts that year — employees and worker-members on
/// one side, managers apart — by regional union, as membership's events told training; not a constant.
/// </summary>
[Collection(TrainingServersCollection.Name)]
public sealed class TargetsTests(TrainingServers servers, TrainingAppPerClass perClass)
    : TrainingTestBase(servers, perClass), IClassFixture<TrainingAppPerClass>
{
    [Fact]
    public async Task The_target_is_five_percent_of_the_register_managers_apart_by_regional_union()
    {
        var year = App.Time.GetUtcNow().Year;
        var lyon = (await App.HireAsync(40)).Concat(await App.HireAsync(3, role: PersonRoles.WorkerMember)).ToList();
        await App.HireAsync(1, union: "urscop-aura"); // another cooperative of the same union
        await App.HireAsync(5, role: PersonRoles.Manager);
        var nantes = await App.HireAsync(21, union: "urscop-ouest");

        // One of Lyon's employees becomes a manager: counted among the managers from now on.
        var lyonCooperative = await App.QueryScalarAsync<Guid>("SELECT cooperative_id FROM people WHERE id = @p", ("p", lyon[0]));
        await App.PublishAsync(new PersonRoleStarted(Guid.NewGuid(), App.Time.GetUtcNow(), lyon[0], lyonCooperative, "urscop-aura",
            PersonRoles.Manager, new DateOnly(year, 2, 1)));
        await TrainingApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM people WHERE id = @p AND is_manager", ("p", lyon[0])) == 1, "the new manager");
        // Someone who left before the year began, and someone hired after it ends, do not count this year.
        await App.PublishAsync(new PersonLeft(Guid.NewGuid(), App.Time.GetUtcNow(), nantes[0], Guid.Empty, new DateOnly(year - 1, 6, 30)));
        await TrainingApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM people WHERE id = @p AND left_on IS NOT NULL", ("p", nantes[0])) == 1, "the departure");
        await App.HireAsync(10, union: "urscop-ouest", hiredOn: new DateOnly(year + 1, 2, 1));

        var targets = await (await Client.GetAsync($"/api/training/targets/{year}")).ExpectAsync(200);

        var unions = targets.GetProperty("byRegionalUnion").EnumerateArray().ToDictionary(u => u.GetProperty("regionalUnion").GetString()!);
        var aura = unions["urscop-aura"];
        Assert.Equal(43, aura.GetProperty("registeredEmployees").GetInt32()); // 40 + 3 + 1 − the new manager
        Assert.Equal(3, aura.GetProperty("employeesTarget").GetInt32()); // 5 % of 43 = 2.15, rounded up
        Assert.Equal(6, aura.GetProperty("registeredManagers").GetInt32());
        Assert.Equal(1, aura.GetProperty("managersTarget").GetInt32());
        var ouest = unions["urscop-ouest"];
        Assert.Equal(20, ouest.GetProperty("registeredEmployees").GetInt32());
        Assert.Equal(1, ouest.GetProperty("employeesTarget").GetInt32());
        Assert.Equal(0, ouest.GetProperty("registeredManagers").GetInt32());
        Assert.Equal(0, ouest.GetProperty("managersTarget").GetInt32());

        Assert.Equal(63, targets.GetProperty("employees").GetProperty("registered").GetInt32());
        Assert.Equal(4, targets.GetProperty("employees").GetProperty("target").GetInt32());
        Assert.Equal(6, targets.GetProperty("managers").GetProperty("registered").GetInt32());
        Assert.Equal(1, targets.GetProperty("managers").GetProperty("target").GetInt32());

        // One union only: its own figures.
        var ouestOnly = await (await Client.GetAsync($"/api/training/targets/{year}?regionalUnion=urscop-ouest")).ExpectAsync(200);
        Assert.Equal(20, ouestOnly.GetProperty("employees").GetProperty("registered").GetInt32());
        Assert.Equal(1, ouestOnly.GetProperty("employees").GetProperty("target").GetInt32());
        Assert.Single(ouestOnly.GetProperty("byRegionalUnion").EnumerateArray());

        // Next year the later hires count, the one who left still does not.
        var nextYear = await (await Client.GetAsync($"/api/training/targets/{year + 1}")).ExpectAsync(200);
        Assert.Equal(30, nextYear.GetProperty("byRegionalUnion").EnumerateArray()
            .Single(u => u.GetProperty("regionalUnion").GetString() == "urscop-ouest").GetProperty("registeredEmployees").GetInt32());
    }
}
