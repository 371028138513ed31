using System.Net;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Identity.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Identity.Tests;

/// <summary>
/// Accounts linked to the people of the register: a hire makes an account and its one-time invitation; the link sets
/// the password once; the tokens of that account name the person (and, for a manager, the cooperative); later facts of
/// the register keep the account in step, and erasure deletes it.
/// </summary>
[Collection(IdentityServerCollection.Name)]
public sealed class AccountLinkTests(IdentityServer server)
{
    private const string Password = "Coopérer-en-2027-ensemble";

    [Fact]
    public async Task A_hired_person_activates_their_account_and_their_token_names_them()
    {
        var (person, cooperative, email) = (Guid.NewGuid(), Guid.NewGuid(), $"p{Guid.NewGuid():N}@example.coop");
        var hired = Hired(person, cooperative, email, PersonRoles.WorkerMember);
        await PublishTwiceAsync(hired);

        var invitation = await InvitationOfAsync(person);
        Assert.Equal(email, invitation.GetProperty("email").GetString());
        var link = invitation.GetProperty("activationLink").GetString()!;
        Assert.StartsWith(server.Issuer.TrimEnd('/') + "/account/activate?token=", link);
        Assert.Equal(1, await server.QueryScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AccountInvited%' AND body->>'personId' = @p", ("p", person.ToString())));
        Assert.Equal(0, await server.QueryScalarAsync<long>(
            "SELECT count(*) FROM account_invitations WHERE token_hash = @t", ("t", Query(link, "token")!)));

        using var browser = server.CreateBrowser();
        using (var done = await AccountActivation.ActivateAsync(browser, link, Password))
        {
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
            Assert.Contains("Votre compte est prêt", WebUtility.HtmlDecode(await done.Content.ReadAsStringAsync()));
        }

        var tokens = await CodeFlow.SignInAsync(browser, email, Password, "openid training notifications");
        var access = new JsonWebToken(tokens.AccessToken);
        Assert.Equal(person.ToString(), access.GetClaim("person_id").Value);
        Assert.Equal(["member"], access.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        Assert.DoesNotContain(access.Claims, c => c.Type == "cooperative_id");

        // The link works once.
        using var again = await browser.GetAsync(new Uri(link).PathAndQuery);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Contains("pas (ou plus) valable", WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_manager_account_manages_their_cooperative_until_they_leave_and_erasure_deletes_it()
    {
        var (person, cooperative, email) = (Guid.NewGuid(), Guid.NewGuid(), $"p{Guid.NewGuid():N}@example.coop");
        await PublishTwiceAsync(Hired(person, cooperative, email, PersonRoles.Employee));
        var link = (await InvitationOfAsync(person)).GetProperty("activationLink").GetString()!;
        using var browser = server.CreateBrowser();
        (await AccountActivation.ActivateAsync(browser, link, Password)).Dispose();

        // Becomes the manager: the next token says so.
        await PublishTwiceAsync(new PersonRoleStarted(Guid.NewGuid(), DateTimeOffset.UtcNow, person, cooperative, "urscop-aura",
            PersonRoles.Manager, new DateOnly(2026, 10, 1)));
        var manager = await EventuallyAsync(async () => new JsonWebToken(
                (await CodeFlow.SignInAsync(server.CreateBrowser(), email, Password, "openid membership")).AccessToken),
            t => t.Claims.Any(c => c.Type == "role" && c.Value == "cooperative-manager"), "the manager role");
        Assert.Equal(cooperative.ToString(), manager.GetClaim("cooperative_id").Value);
        Assert.Equal(person.ToString(), manager.GetClaim("person_id").Value);

        // Leaves: no longer manages it, still themselves.
        await PublishTwiceAsync(new PersonLeft(Guid.NewGuid(), DateTimeOffset.UtcNow, person, cooperative, new DateOnly(2026, 12, 1)));
        var left = await EventuallyAsync(async () => new JsonWebToken(
                (await CodeFlow.SignInAsync(server.CreateBrowser(), email, Password, "openid membership")).AccessToken),
            t => t.Claims.All(c => c.Value != "cooperative-manager"), "the manager role gone");
        Assert.DoesNotContain(left.Claims, c => c.Type == "cooperative_id");
        Assert.Equal(person.ToString(), left.GetClaim("person_id").Value);

        // Erased: the account is gone, its address with it.
        await PublishTwiceAsync(new PersonErased(Guid.NewGuid(), DateTimeOffset.UtcNow, person));
        await EventuallyAsync(() => server.QueryScalarAsync<long>("SELECT count(*) FROM \"AspNetUsers\" WHERE person_id = @p", ("p", person)),
            n => n == 0, "the account deleted");
        Assert.Equal(0, await server.QueryScalarAsync<long>("SELECT count(*) FROM \"AspNetUsers\" WHERE email = @e", ("e", email)));
        using var refused = await CodeFlow.PostLoginAsync(server.CreateBrowser(), "/account/login?returnUrl=%2F", email, Password,
            IdentityServer.NewClientAddress());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task No_account_without_an_address_nor_over_an_address_already_taken()
    {
        var noAddress = Guid.NewGuid();
        var hired = Hired(noAddress, Guid.NewGuid(), email: null, PersonRoles.Employee);
        var (existing, _) = await server.CreateMemberAsync();
        var taken = Guid.NewGuid();
        var hiredOverTaken = Hired(taken, Guid.NewGuid(), existing, PersonRoles.Employee);
        await PublishTwiceAsync(hired);
        await PublishTwiceAsync(hiredOverTaken);

        await EventuallyAsync(() => server.QueryScalarAsync<long>(
                "SELECT count(*) FROM inbox_messages WHERE message_id = ANY(@m)", ("m", new[] { hired.EventId, hiredOverTaken.EventId })),
            n => n == 2, "both hires consumed");
        Assert.Equal(0, await server.QueryScalarAsync<long>(
            "SELECT count(*) FROM \"AspNetUsers\" WHERE person_id = ANY(@p)", ("p", new[] { noAddress, taken })));
        Assert.Equal(0, await server.QueryScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AccountInvited%' AND body->>'personId' = ANY(@p)",
            ("p", new[] { noAddress.ToString(), taken.ToString() })));
    }

    [Fact]
    public async Task A_wrong_or_made_up_link_and_mismatched_passwords_set_nothing()
    {
        using var browser = server.CreateBrowser();
        using (var madeUp = await browser.GetAsync("/account/activate?token=" + new string('A', 43)))
        {
            Assert.Equal(HttpStatusCode.NotFound, madeUp.StatusCode);
        }

        var (person, email) = (Guid.NewGuid(), $"p{Guid.NewGuid():N}@example.coop");
        await PublishTwiceAsync(Hired(person, Guid.NewGuid(), email, PersonRoles.Employee));
        var link = (await InvitationOfAsync(person)).GetProperty("activationLink").GetString()!;
        using (var weak = await AccountActivation.ActivateAsync(browser, link, "court"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        }

        Assert.Equal(0, await server.QueryScalarAsync<long>(
            "SELECT count(*) FROM \"AspNetUsers\" WHERE person_id = @p AND password_hash IS NOT NULL", ("p", person)));
        using var stillGood = await AccountActivation.ActivateAsync(browser, link, Password); // the link was not spent
        Assert.Equal(HttpStatusCode.OK, stillGood.StatusCode);
    }

    private static PersonHired Hired(Guid person, Guid cooperative, string? email, string role) =>
        new(Guid.NewGuid(), DateTimeOffset.UtcNow, person, cooperative, "urscop-aura", new DateOnly(2026, 9, 1), role, email);

    private async Task PublishTwiceAsync<T>(T message)
        where T : class, Scop.Aspire.Contracts.IIntegrationEvent
    {
        var bus = server.Services.GetRequiredService<IBus>();
        await bus.Publish(message, context => context.MessageId = message.EventId);
        await bus.Publish(message, context => context.MessageId = message.EventId); // a redelivery
    }

    /// <summary>The AccountInvited event the identity service wrote to its outbox for the person (exactly one).</summary>
    private async Task<JsonElement> InvitationOfAsync(Guid person)
    {
        await EventuallyAsync(() => server.QueryScalarAsync<long>(
                "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AccountInvited%' AND body->>'personId' = @p",
                ("p", person.ToString())),
            n => n >= 1, "the invitation");
        var body = await server.QueryScalarAsync<string>(
            "SELECT body::text FROM outbox_messages WHERE message_type LIKE '%AccountInvited%' AND body->>'personId' = @p",
            ("p", person.ToString()));
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string? Query(string url, string name) => System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)[name];

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var value = await probe();
            if (condition(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }
}
