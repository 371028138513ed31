using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scop.Aspire.HostileInput.Tests.Contract;
using Scop.Aspire.HostileInput.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.HostileInput.Tests.Examples;

/// <summary>What a service's examples may use in their setup: the running service, its callers, a webhook receiver.</summary>
public sealed class ServiceContext(IRunningService service, ServiceExamples examples, string receiverUrl)
{
    private readonly Dictionary<string, string?> tokens = new(StringComparer.Ordinal);

    public IRunningService Service => service;

    /// <summary>An address that accepts every webhook at once.</summary>
    public string ReceiverUrl => receiverUrl;

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public async Task<string?> TokenAsync(string role)
    {
        if (!tokens.TryGetValue(role, out var token))
        {
            tokens[role] = token = await examples.TokenAsync(this, role);
        }

        return token;
    }

    /// <summary>Drops the tokens minted so far: an example that learns in its setup whom tokens must name mints them again.</summary>
    public void ForgetTokens() => tokens.Clear();

    /// <summary>Sends a setup request as <paramref name="role"/> and returns its answer, which must be a success.</summary>
    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body = null,
        string role = PlatformRoles.ConfederationAdmin)
    {
        using var client = service.CreateClient(Patience);
        client.WithToken(await TokenAsync(role));
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"{service.Declared.Name} setup: {method} {path} answered {(int)response.StatusCode}: {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public Task<JsonElement> PostAsync(string path, object? body = null, string role = PlatformRoles.ConfederationAdmin) =>
        SendAsync(HttpMethod.Post, path, body, role);
}

/// <summary>
/// What a service's schema cannot say: valid values and records that exist. A service without a class of its own
/// gets the platform's examples only (French reference values, paging) and is still tested on every operation.
/// </summary>
public class ServiceExamples
{
    /// <summary>The AppHost resource name of the service these examples are for; empty for the platform's own.</summary>
    public virtual string Service => "";

    /// <summary>Values valid in every service: real French reference data, the platform's paging.</summary>
    public static ExampleValues Platform(string receiverUrl) => new ExampleValues()
        .Set("siren", () => JsonValue.Create(Sirens.Next()))
        .Set("communeCode", JsonValue.Create("69123"))
        .Set("nafCode", JsonValue.Create("13.20Z"))
        .Set("regionalUnion", JsonValue.Create("urscop-aura"))
        .Set("email", JsonValue.Create("camille.martin@example.coop"))
        .Set("url", JsonValue.Create(receiverUrl))
        .Set("page", JsonValue.Create(1))
        .Set("pageSize", JsonValue.Create(20))
        .Set("limit", JsonValue.Create(20));

    /// <summary>
    /// Queries counting the rows the service will still change on its own after a request it accepted: the platform's
    /// outbox rows due and not yet published, and whatever work of its own a service adds. The run waits for them to
    /// reach zero before it watches the database for a hostile request's writes.
    /// </summary>
    public virtual IReadOnlyList<string> PendingWork =>
        ["SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND (not_before IS NULL OR not_before <= now())"];

    /// <summary>Creates the records the operations need, through the service's own API, and names them.</summary>
    public virtual Task SetUpAsync(ServiceContext context, ExampleValues examples) => Task.CompletedTask;

    /// <summary>
    /// A token of <paramref name="role"/> that the service accepts: minted as the identity service would, for the
    /// audience the service checks, with the scope claim of the role (a delegate's union, a manager's cooperative).
    /// </summary>
    public virtual Task<string?> TokenAsync(ServiceContext context, string role)
    {
        var bearer = context.Service.Services.GetService<IOptionsMonitor<JwtBearerOptions>>()?.Get(JwtBearerDefaults.AuthenticationScheme);
        var audience = bearer?.TokenValidationParameters?.ValidAudiences?.FirstOrDefault()
            ?? throw new InvalidOperationException(
                $"{context.Service.Declared.Name} checks no platform bearer token: its examples must say how to get one.");
        return Task.FromResult<string?>(TestTokens.For(audience, role, Callers.RegionalUnionOf(role), Callers.CooperativeOf(role)));
    }

    /// <summary>The examples of each service, found in this assembly by the service they name.</summary>
    public static ServiceExamples For(string service) =>
        typeof(ServiceExamples).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(ServiceExamples)) && !t.IsAbstract)
            .Select(t => (ServiceExamples)Activator.CreateInstance(t)!)
            .SingleOrDefault(e => e.Service == service) ?? new ServiceExamples();
}

/// <summary>SIRENs that pass the Luhn check, a new one at each call, so no registration is refused as a duplicate.</summary>
public static class Sirens
{
    private static int next = Random.Shared.Next(10_000_000, 90_000_000);

    public static string Next()
    {
        var body = Interlocked.Increment(ref next).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        for (var key = 0; key < 10; key++)
        {
            if (IsLuhn(body + key))
            {
                return body + key;
            }
        }

        throw new InvalidOperationException("No Luhn key found.");
    }

    private static bool IsLuhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }
}
