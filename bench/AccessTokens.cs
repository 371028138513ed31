using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Scop.Aspire.Bench;

/// <summary>
/// The bearer token the bench sends with every request the gateway does not serve anonymously. Either the one given
/// with <c>--token</c>, or fetched from the running identity service through the gateway with the code + PKCE flow of
/// a development user (as <c>scripts/dev-token.sh</c> does), and fetched again when less than two minutes are left.
/// </summary>
public sealed partial class AccessTokens
{
    /// <summary>Registers cooperatives anywhere (a confederation admin), runs training sessions (staff) and books.</summary>
    public const string DefaultUser = "admin";

    /// <summary>One access token for every audience the bench calls.</summary>
    public const string Scopes = "openid membership portal training reprise-watch";

    public static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(2);

    private const string ClientId = "scop-web";
    private const string RedirectUri = "http://127.0.0.1/callback";

    private readonly Uri gateway;
    private readonly string? credentialsPath;
    private readonly string user;
    private readonly string scopes;
    private readonly SemaphoreSlim refreshing = new(1, 1);
    private Token current;

    private sealed record Token(string Value, DateTimeOffset ExpiresAt);

    private AccessTokens(Uri gateway, string? credentialsPath, string user, Token? fixedToken, string scopes = Scopes)
    {
        this.gateway = gateway;
        this.credentialsPath = credentialsPath;
        this.user = user;
        this.scopes = scopes;
        current = fixedToken ?? new Token("", DateTimeOffset.MinValue);
    }

    /// <summary>The token given on the command line: used as is, never renewed.</summary>
    public static AccessTokens Fixed(Uri gateway, string jwt) => new(gateway, null, "", new Token(jwt, ExpiryOf(jwt)));

    /// <summary>A development user's tokens, signed in with the password from the seeded credentials file.</summary>
    public static AccessTokens Development(Uri gateway, string credentialsPath, string user, string scopes = Scopes) =>
        new(gateway, credentialsPath, user, null, scopes);

    public bool Renewable => credentialsPath is not null;

    public DateTimeOffset ExpiresAt => current.ExpiresAt;

    public string Describe() => Renewable
        ? $"development user '{user}' (code + PKCE, scopes '{scopes}', credentials {credentialsPath})"
        : "the token given with --token";

    /// <summary>A token with at least two minutes left (a fixed token is returned as it is, even near its end).</summary>
    public async ValueTask<string> GetAsync(CancellationToken ct)
    {
        var token = Volatile.Read(ref current);
        if (!Renewable || token.ExpiresAt - DateTimeOffset.UtcNow > RefreshBefore)
        {
            return token.Value;
        }

        await refreshing.WaitAsync(ct);
        try
        {
            token = current;
            if (token.ExpiresAt - DateTimeOffset.UtcNow > RefreshBefore)
            {
                return token.Value;
            }

            var fetched = await FetchAsync(ct);
            Volatile.Write(ref current, fetched);
            return fetched.Value;
        }
        finally
        {
            refreshing.Release();
        }
    }

    /// <summary>Where the identity service wrote the development credentials: <c>{dataRoot}/identity/dev-credentials.json</c>.</summary>
    public static string CredentialsPath(string? dataRoot)
    {
        if (dataRoot is { Length: > 0 })
        {
            return Path.Combine(Path.GetFullPath(dataRoot), "identity", "dev-credentials.json");
        }

        // .scop/ at the repository root (beside bench/), wherever the command is run from.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "bench", "Scop.Aspire.Bench.csproj")))
            {
                return Path.Combine(dir.FullName, ".scop", "identity", "dev-credentials.json");
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), ".scop", "identity", "dev-credentials.json");
    }

    private async Task<Token> FetchAsync(CancellationToken ct)
    {
        if (!File.Exists(credentialsPath))
        {
            throw new TokenException($"No {credentialsPath}: start the system first, pass --data-root as given to the AppHost "
                + "(--Scop:DataRoot), or pass --token.");
        }

        string password;
        using (var credentials = JsonDocument.Parse(await File.ReadAllTextAsync(credentialsPath, ct)))
        {
            password = credentials.RootElement.TryGetProperty("Passwords", out var passwords)
                       && passwords.TryGetProperty(user, out var value) && value.GetString() is { Length: > 0 } p
                ? p
                : throw new TokenException($"{credentialsPath} has no password for '{user}'.");
        }

        // A browser of its own: cookies for the sign-in, redirects followed by hand to pick the code out.
        using var browser = new HttpClient(new SocketsHttpHandler
        {
            CookieContainer = new CookieContainer(),
            UseCookies = true,
            AllowAutoRedirect = false,
            UseProxy = false,
        })
        {
            BaseAddress = gateway,
            Timeout = TimeSpan.FromSeconds(30),
        };

        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(48));
        var challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = $"/connect/authorize?client_id={ClientId}&response_type=code&redirect_uri={Uri.EscapeDataString(RedirectUri)}"
            + $"&scope={Uri.EscapeDataString(scopes)}&code_challenge={challenge}&code_challenge_method=S256&state=bench";

        var login = await RedirectAsync(browser, new HttpRequestMessage(HttpMethod.Get, authorize), "authorize", ct);
        var page = await browser.GetStringAsync(login, ct);
        var fields = HiddenField().Matches(page).ToDictionary(m => m.Groups["name"].Value, m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        fields["username"] = user;
        fields["password"] = password;
        var back = await RedirectAsync(browser, new HttpRequestMessage(HttpMethod.Post, "/account/login") { Content = new FormUrlEncodedContent(fields) },
            $"sign-in of '{user}'", ct);
        var callback = await RedirectAsync(browser, new HttpRequestMessage(HttpMethod.Get, back), "authorize after sign-in", ct);
        var code = QueryValue(callback, "code") ?? throw new TokenException($"No code in the redirect to {callback}.");

        using var response = await browser.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = ClientId,
            ["code"] = code,
            ["redirect_uri"] = RedirectUri,
            ["code_verifier"] = verifier,
        }), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new TokenException($"/connect/token answered {(int)response.StatusCode}: {body}");
        }

        using var json = JsonDocument.Parse(body);
        var jwt = json.RootElement.GetProperty("access_token").GetString() ?? throw new TokenException("No access_token in the answer.");
        var expiresAt = json.RootElement.TryGetProperty("expires_in", out var seconds)
            ? DateTimeOffset.UtcNow.AddSeconds(seconds.GetDouble())
            : ExpiryOf(jwt);
        return new Token(jwt, expiresAt);
    }

    private static async Task<Uri> RedirectAsync(HttpClient browser, HttpRequestMessage request, string step, CancellationToken ct)
    {
        using (request)
        using (var response = await browser.SendAsync(request, ct))
        {
            if ((int)response.StatusCode is < 300 or >= 400 || response.Headers.Location is null)
            {
                var body = await response.Content.ReadAsStringAsync(ct);
                throw new TokenException($"{step}: expected a redirect, got {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
            }

            return new Uri(response.RequestMessage!.RequestUri!, response.Headers.Location);
        }
    }

    private static string? QueryValue(Uri uri, string name) =>
        uri.Query.TrimStart('?').Split('&')
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0] == name)
            .Select(pair => Uri.UnescapeDataString(pair[1]))
            .FirstOrDefault();

    /// <summary>The <c>exp</c> of a JWT, unverified (the bench only needs to know when to stop using it).</summary>
    private static DateTimeOffset ExpiryOf(string jwt)
    {
        try
        {
            var payload = jwt.Split('.') is { Length: 3 } parts ? Base64Url.DecodeFromChars(parts[1]) : [];
            using var json = JsonDocument.Parse(payload);
            return json.RootElement.TryGetProperty("exp", out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp.GetInt64()) : DateTimeOffset.MaxValue;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw new UsageException("--token: not a JWT (header.payload.signature).");
        }
    }

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)">""")]
    private static partial Regex HiddenField();
}

/// <summary>No token could be had from the identity service.</summary>
public sealed class TokenException(string message) : Exception(message);

/// <summary>Adds the bearer token to every request except the gateway's anonymous routes the bench uses (ping, feed).</summary>
public sealed class BearerTokenHandler(AccessTokens tokens, Uri gateway) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri && request.Headers.Authorization is null
            && Uri.Compare(uri, gateway, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
            && !Requests.IsAnonymous(uri.AbsolutePath))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(cancellationToken));
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
