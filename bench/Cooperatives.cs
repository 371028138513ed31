using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Scop.Aspire.Bench;

/// <summary>
/// Valid registrations that do not collide: a random 3-digit prefix per run, then a counter from a random start,
/// then the Luhn key. A run uses at most 100,000 SIRENs of its prefix before wrapping (then 409s show up as conflicts).
/// </summary>
public sealed class CooperativeFactory
{
    private static readonly string[] LegalForms = ["SCOP", "SCIC", "CAE"];
    private readonly int prefix = Random.Shared.Next(0, 1000);
    private readonly string tag;
    private long counter = Random.Shared.Next(0, 100_000);

    public CooperativeFactory(string tag) => this.tag = tag;

    public string Prefix => prefix.ToString("D3", CultureInfo.InvariantCulture);

    public sealed record Registration(string Name, string Siren, string Json);

    public Registration Next()
    {
        var n = Interlocked.Increment(ref counter);
        var eight = string.Create(CultureInfo.InvariantCulture, $"{prefix:D3}{n % 100_000:D5}");
        var siren = eight + LuhnKey(eight);
        var name = string.Create(CultureInfo.InvariantCulture, $"Bench {tag} {Prefix}-{n}");
        var json = JsonSerializer.Serialize(new
        {
            name,
            siren,
            legalForm = LegalForms[n % LegalForms.Length],
            communeCode = "69123",
            nafCode = "62.01Z",
        });
        return new Registration(name, siren, json);
    }

    /// <summary>The digit that completes a Luhn sum of 0 mod 10 over the 9 digits (the key is not doubled).</summary>
    public static char LuhnKey(string eightDigits)
    {
        var sum = 0;
        for (var i = 0; i < eightDigits.Length; i++)
        {
            var digit = eightDigits[eightDigits.Length - 1 - i] - '0';
            if (i % 2 == 0) // from the right, counting the key as position 0: these are the doubled positions
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
        }

        return (char)('0' + (10 - sum % 10) % 10);
    }

    public static bool IsValidSiren(string siren)
    {
        if (siren.Length != 9 || !siren.All(char.IsAsciiDigit))
        {
            return false;
        }

        return LuhnKey(siren[..8]) == siren[8];
    }
}

public static class Requests
{
    public const string PingPath = "/api/membership/ping";
    public const string RegisterPath = "/api/membership/cooperatives";
    public const string FeedPath = "/api/portal/feed";

    /// <summary>The gateway's anonymous routes the bench calls (pings, the feed): sent without a token, as a browser would.</summary>
    public static bool IsAnonymous(string path) => path.EndsWith("/ping", StringComparison.Ordinal) || path == FeedPath;

    public static async Task<Outcome> PingAsync(HttpClient http, string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return Outcome.Status(response.StatusCode);
        }

        return body == "pong" ? Outcome.Ok("pong") : Outcome.BadBody("not pong");
    }

    public sealed record Created(Guid Id, DateTimeOffset RegisteredAt);

    /// <summary>POSTs one registration; a 201 counts only if its body is the cooperative just sent, with an id.</summary>
    public static async Task<(Outcome Outcome, Created? Cooperative)> RegisterAsync(HttpClient http,
        CooperativeFactory.Registration registration, CancellationToken ct)
    {
        using var content = new StringContent(registration.Json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(RegisterPath, content, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        switch (response.StatusCode)
        {
            case HttpStatusCode.Created:
                return Check(body, registration);
            case HttpStatusCode.Conflict:
                return (Outcome.Expected("conflicts"), null);
            default:
                return (Outcome.Status(response.StatusCode), null);
        }
    }

    private static (Outcome, Created?) Check(string body, CooperativeFactory.Registration registration)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (!root.TryGetProperty("id", out var idElement) || !idElement.TryGetGuid(out var id) || id == Guid.Empty)
            {
                return (Outcome.BadBody("201 without an id"), null);
            }

            if (!root.TryGetProperty("siren", out var siren) || siren.GetString() != registration.Siren
                || !root.TryGetProperty("name", out var name) || name.GetString() != registration.Name)
            {
                return (Outcome.BadBody("201 for another cooperative"), null);
            }

            var registeredAt = root.TryGetProperty("registeredAt", out var at) && at.TryGetDateTimeOffset(out var value)
                ? value
                : DateTimeOffset.MinValue;
            return (Outcome.Ok("created"), new Created(id, registeredAt));
        }
        catch (JsonException)
        {
            return (Outcome.BadBody("201 body is not JSON"), null);
        }
    }
}
