using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Duende.IdentityModel;
using Microsoft.IdentityModel.Tokens;
using Duende.IdentityModel.Client;
using Xunit;

namespace Scop.Aspire.Testing;

/// <summary>
/// The authorization code flow with PKCE as a browser and a front-end go through it, against the identity service
/// directly or through the gateway: the authorize request, the sign-in page (its antiforgery token, its form), the
/// redirect back with the code, and the code exchanged at <c>/connect/token</c>. Nothing in it checks the tokens'
/// times against the machine's clock, so it works as well against a server on a fake clock.
/// </summary>
public static partial class CodeFlow
{
    public const string WebClientId = "scop-web";
    public const string RedirectUri = "http://127.0.0.1/callback";

    /// <summary>A browser: cookies kept, redirects not followed (the test looks at each one).</summary>
    public static HttpClient NewBrowser(Uri address) =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            ActivityHeadersPropagator = null,
        })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(30),
        };

    public sealed record Pkce(string Verifier, string Challenge)
    {
        public static Pkce New()
        {
            var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
            return new Pkce(verifier, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
        }
    }

    /// <summary>The authorize URL of the web client with an S256 challenge (or whatever PKCE parameters are given).</summary>
    public static string AuthorizeUrl(string scope, string? codeChallenge, string? codeChallengeMethod = "S256",
        string state = "test-state") =>
        new RequestUrl("/connect/authorize").CreateAuthorizeUrl(
            clientId: WebClientId,
            responseType: OidcConstants.ResponseTypes.Code,
            scope: scope,
            redirectUri: RedirectUri,
            state: state,
            codeChallenge: codeChallenge,
            codeChallengeMethod: codeChallenge is null ? null : codeChallengeMethod);

    /// <summary>
    /// Code + PKCE for <paramref name="user"/>: signs in through the sign-in page unless the browser's session is
    /// still on, and returns the token endpoint's answer.
    /// </summary>
    public static async Task<TokenResponse> SignInAsync(HttpClient browser, string user, string password, string scope)
    {
        var pkce = Pkce.New();
        var callback = await AuthorizeAsync(browser, AuthorizeUrl(scope, pkce.Challenge), user, password);
        var code = Query(callback, "code");
        Assert.True(code is not null, $"No code in {callback}");
        var tokens = await browser.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = "/connect/token",
            ClientId = WebClientId,
            Code = code,
            RedirectUri = RedirectUri,
            CodeVerifier = pkce.Verifier,
        });
        Assert.False(tokens.IsError, $"{tokens.Error}: {tokens.ErrorDescription}");
        return tokens;
    }

    /// <summary>Follows an authorize request to the client's callback, signing in on the way if asked to; returns the callback URL.</summary>
    public static async Task<string> AuthorizeAsync(HttpClient browser, string authorizeUrl, string user, string password)
    {
        using var authorize = await browser.GetAsync(authorizeUrl);
        Assert.True(authorize.StatusCode == HttpStatusCode.Redirect, $"{(int)authorize.StatusCode}: {await authorize.Content.ReadAsStringAsync()}");
        var next = authorize.Headers.Location!.OriginalString;
        if (next.StartsWith("/account/login", StringComparison.Ordinal))
        {
            using var signedIn = await PostLoginAsync(browser, next, user, password);
            Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"{(int)signedIn.StatusCode}: {await signedIn.Content.ReadAsStringAsync()}");
            using var back = await browser.GetAsync(signedIn.Headers.Location);
            Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
            next = back.Headers.Location!.OriginalString;
        }

        Assert.StartsWith(RedirectUri, next);
        return next;
    }

    public static async Task<TokenResponse> RefreshAsync(HttpClient http, string refreshToken) =>
        await http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = "/connect/token",
            ClientId = WebClientId,
            RefreshToken = refreshToken,
        });

    /// <summary>A query parameter of a URL (the callback's code, error, state).</summary>
    public static string? Query(string url, string name) =>
        System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)[name];

    /// <summary>Reads the sign-in form as a browser would: its antiforgery token and where it returns to.</summary>
    public static (string Token, string ReturnUrl) ReadLoginForm(string html)
    {
        var token = AntiforgeryField().Match(html);
        var returnUrl = ReturnUrlField().Match(html);
        Assert.True(token.Success && returnUrl.Success, $"Not the sign-in form: {html}");
        return (WebUtility.HtmlDecode(token.Groups[1].Value), WebUtility.HtmlDecode(returnUrl.Groups[1].Value));
    }

    /// <summary>
    /// Loads the sign-in page and posts its form. <paramref name="forwardedFor"/> plays the gateway telling the
    /// identity service which client address the request came from.
    /// </summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient browser, string loginPageUrl, string userName,
        string password, string? forwardedFor = null)
    {
        using var page = await browser.GetAsync(loginPageUrl);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var (token, returnUrl) = ReadLoginForm(await page.Content.ReadAsStringAsync());
        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["returnUrl"] = returnUrl,
                ["username"] = userName,
                ["password"] = password,
            }),
        };
        if (forwardedFor is not null)
        {
            post.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return await browser.SendAsync(post);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"returnUrl\" value=\"([^\"]*)\"")]
    private static partial Regex ReturnUrlField();
}
