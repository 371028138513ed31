using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;
using MimeKit;

namespace Scop.Aspire.EndToEnd.Tests;

/// <summary>
/// A person hired through the gateway gets an e-mail, delivered by the platform's own mail server, inviting them to
/// their account; its link, followed through the gateway, sets their password; they sign in as anyone does and their
/// token names them, so their inbox is theirs.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed partial class InvitationTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_hired_persons_invitation_leads_to_a_sign_in_whose_token_names_their_person()
    {
        var admin = await PlatformTokens.SignInAsync(platform, "admin", "openid membership");
        var cooperative = await CreatedIdAsync("/api/membership/cooperatives", admin, new
        {
            name = "Scop des Pentes", siren = GatewayCalls.Siren(), legalForm = "SCOP", communeCode = "69123", nafCode = "13.20Z",
        });
        var email = $"camille.{Guid.NewGuid():N}@example.coop";
        var person = await CreatedIdAsync($"/api/membership/cooperatives/{cooperative}/people", admin,
            new { givenName = "Camille", familyName = "Canut", email, role = "worker-member", hiredOn = "2026-09-01" });

        // The invitation, read from the mail server's mailbox.
        var invitation = await InvitationToAsync(email);
        Assert.Equal("account-invitation", invitation.Headers["X-Scop-Kind"]);
        var link = ActivationLink().Match(invitation.TextBody ?? "").Value;
        Assert.StartsWith(platform.Gateway.BaseAddress!.ToString().TrimEnd('/') + "/account/activate?token=", link);

        // The link, through the gateway: the form, then the password.
        const string password = "Tisser-ensemble-2027";
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = platform.Gateway.BaseAddress,
        };
        var form = await browser.GetStringAsync(new Uri(link).PathAndQuery);
        using (var set = await browser.PostAsync("/account/activate", new FormUrlEncodedContent(new Dictionary<string, string>
               {
                   ["__RequestVerificationToken"] = WebUtility.HtmlDecode(Field("__RequestVerificationToken").Match(form).Groups[1].Value),
                   ["token"] = WebUtility.HtmlDecode(Field("token").Match(form).Groups[1].Value),
                   ["password"] = password,
                   ["confirmation"] = password,
               })))
        {
            Assert.True(set.StatusCode == HttpStatusCode.OK, await set.Content.ReadAsStringAsync());
        }

        var token = await PlatformTokens.SignInAsync(platform, email, password, "openid notifications");
        Assert.Equal(person.ToString(), new JsonWebToken(token).GetClaim("person_id").Value);

        // Their inbox answers them (the welcome day's invitation arrives there when training has a session for it).
        using var inbox = new HttpRequestMessage(HttpMethod.Get, "/api/notifications/me/notifications").WithToken(token);
        using var answer = await platform.Gateway.SendAsync(inbox);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    private async Task<MimeMessage> InvitationToAsync(string email)
    {
        var maildir = Path.Combine(platform.DataRoot, "mail", "maildir", "new");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            foreach (var file in Directory.Exists(maildir) ? Directory.GetFiles(maildir) : [])
            {
                var message = await MimeMessage.LoadAsync(file);
                if (message.To.Mailboxes.Any(m => m.Address == email) && message.Headers["X-Scop-Kind"] == "account-invitation")
                {
                    return message;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"No invitation for {email} in {maildir} within 60 s.");
            await Task.Delay(250);
        }
    }

    private async Task<Guid> CreatedIdAsync(string path, string token, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) }.WithToken(token);
        using var response = await platform.Gateway.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    private static Regex Field(string name) => new($"name=\"{Regex.Escape(name)}\" value=\"([^\"]+)\"");

    [GeneratedRegex(@"https?://\S+/account/activate\?token=[A-Za-z0-9_%\-]+")]
    private static partial Regex ActivationLink();
}
