using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Scop.Aspire.Testing;

/// <summary>
/// Access tokens as the identity service issues them (RS256 JWT, <c>at+jwt</c>, issuer, audience, roles and their
/// scope claims), signed with a key made for this test run. A service under test is told to trust that key and
/// issuer (<see cref="Settings"/>), exactly as it would trust the identity service's published keys — so its real
/// validation runs, and a tampered, expired or wrong-audience token is refused by it, not by the test.
/// </summary>
public static class TestTokens
{
    public const string Issuer = "https://identity.scop.test/";

    private static readonly RsaSecurityKey Key = NewKey("test-signing-key");

    /// <summary>A key the services do not trust: a token signed with it is a forgery.</summary>
    public static RsaSecurityKey ForeignKey { get; } = NewKey("foreign-key");

    /// <summary>The JWKS the service under test trusts (<c>Scop:Identity:SigningKeys</c>).</summary>
    public static string Jwks { get; } = JsonSerializer.Serialize(new
    {
        keys = new[] { JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(Key.Rsa.ExportParameters(false)) { KeyId = Key.KeyId }) }
            .Select(k => new { kty = k.Kty, use = "sig", kid = k.Kid, alg = "RS256", n = k.N, e = k.E }),
    });

    /// <summary>Configuration that makes a service trust these tokens.</summary>
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Scop:Identity:Issuer"] = Issuer,
        ["Scop:Identity:SigningKeys"] = Jwks,
    };

    /// <summary>
    /// A user's access token for <paramref name="audience"/> with one role and its scope claim, and the person they are
    /// in the membership register when <paramref name="personId"/> is given.
    /// </summary>
    public static string For(string audience, string role, string? regionalUnion = null, Guid? cooperativeId = null,
        string clientId = "scop-web", Guid? personId = null) =>
        Mint(audience, [role], regionalUnion, cooperativeId, clientId, personId: personId);

    public static string Mint(string audience, IEnumerable<string> roles, string? regionalUnion = null, Guid? cooperativeId = null,
        string clientId = "scop-web", DateTime? expires = null, string issuer = Issuer, SecurityKey? key = null,
        string? subject = null, Guid? personId = null, string name = "Test user", string? preferredUserName = null)
    {
        var now = DateTime.UtcNow;
        var expiry = expires ?? now.AddMinutes(15);
        var claims = new List<Claim>
        {
            new("sub", subject ?? Guid.NewGuid().ToString()),
            new("name", name),
            new("client_id", clientId),
            new("scope", audience),
            new("jti", Guid.NewGuid().ToString()),
        };
        claims.AddRange(roles.Select(role => new Claim("role", role)));
        if (regionalUnion is not null)
        {
            claims.Add(new Claim("regional_union", regionalUnion));
        }

        if (cooperativeId is not null)
        {
            claims.Add(new Claim("cooperative_id", cooperativeId.Value.ToString()));
        }

        if (personId is not null)
        {
            claims.Add(new Claim("person_id", personId.Value.ToString()));
        }

        if (preferredUserName is not null)
        {
            claims.Add(new Claim("preferred_username", preferredUserName));
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = expiry < now ? expiry.AddMinutes(-15) : now,
            NotBefore = expiry < now ? expiry.AddMinutes(-15) : now,
            Expires = expiry,
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>The same token with one character of its payload changed: its signature no longer matches.</summary>
    public static string Tampered(string token)
    {
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("\"Test user\"", "\"Evil user\"", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
    }

    public static HttpClient WithToken(this HttpClient client, string? token)
    {
        client.DefaultRequestHeaders.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static RsaSecurityKey NewKey(string id) => new(RSA.Create(2048)) { KeyId = $"{id}-{Guid.NewGuid():N}"[..32] };
}
