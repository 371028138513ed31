using System.Net;
using System.Text.RegularExpressions;
using Xunit;

namespace Scop.Aspire.Testing;

/// <summary>What a new hire does with the invitation of their account: opens its link and chooses a password.</summary>
public static partial class AccountActivation
{
    /// <summary>
    /// Opens <paramref name="activationLink"/> in <paramref name="browser"/> (whose base address is the identity
    /// service's or the gateway's) and posts the form with <paramref name="password"/> twice. Returns the answer.
    /// </summary>
    public static async Task<HttpResponseMessage> ActivateAsync(HttpClient browser, string activationLink, string password)
    {
        var link = new Uri(activationLink);
        using var page = await browser.GetAsync(link.PathAndQuery);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"The activation page answered {(int)page.StatusCode}: {html}");
        var token = AntiforgeryField().Match(html);
        var invitation = TokenField().Match(html);
        Assert.True(token.Success && invitation.Success, $"Not the activation form: {html}");
        using var post = new HttpRequestMessage(HttpMethod.Post, link.AbsolutePath)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
                ["token"] = WebUtility.HtmlDecode(invitation.Groups[1].Value),
                ["password"] = password,
                ["confirmation"] = password,
            }),
        };
        return await browser.SendAsync(post);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"token\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
