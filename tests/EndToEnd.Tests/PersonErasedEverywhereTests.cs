using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Testing;
using Scop.Aspire.Testing.Hosting;
using StackExchange.Redis;

using static Scop.Aspire.EndToEnd.Tests.GatewayCalls;

namespace Scop.Aspire.EndToEnd.Tests;

/// <summary>
/// The right to erasure across the platform, through the gateway with real tokens: a person hired with an
/// Idempotency-Key, booked on a training session and enrolled in the SCOP AGIR card (delivered to a bank's real HTTP
/// receiver) is erased in the register; then no database of the platform holds their names, e-mail, birth date or id,
/// no process's console log ever showed them, and a replay of the bank's delivery sends nothing of them.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class PersonErasedEverywhereTests(PlatformFixture platform) : IAsyncLifetime
{
    private const string Scopes = "openid membership training partner-hooks";

    private WebApplication bank = null!;
    private readonly ConcurrentQueue<string> bankReceived = new();

    public async Task InitializeAsync()
    {
        // The bank's webhook receiver: a real HTTP server on 127.0.0.1 that keeps what it is sent.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        bank = builder.Build();
        bank.MapPost("/hooks", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            bankReceived.Enqueue(await reader.ReadToEndAsync());
            return Results.NoContent();
        });
        await bank.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await bank.StopAsync();
        await bank.DisposeAsync();
    }

    [Fact]
    public async Task An_erased_person_leaves_nothing_in_any_database_and_a_replay_to_the_bank_sends_nothing_of_them()
    {
        var admin = await PlatformTokens.SignInAsync(platform, "admin", Scopes);
        var aura = await PlatformTokens.SignInAsync(platform, "delegate-aura", Scopes);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var hire = new
        {
            givenName = $"Héloïse{suffix}", familyName = $"Marchand{suffix}", email = $"heloise.{suffix}@example.coop",
            birthDate = "1961-02-17", role = "worker-member", hiredOn = "2025-09-01",
        };

        // The bank, as partner-hooks knows it: the SCOP AGIR card's partner, with an endpoint at its receiver.
        var partner = await platform.Gateway.PartnerAsync(admin, "credit-cooperatif", "Crédit Coopératif");
        var endpoint = await platform.Gateway.CreatedIdAsync(Send(HttpMethod.Post, $"/api/partner-hooks/partners/{partner}/endpoints", admin, new
        {
            url = $"{ListeningAddress.Of(bank.Services).GetLeftPart(UriPartial.Authority)}/hooks",
            eventTypes = new[] { "scop.membership.benefit-enrolment.requested" },
        }), "endpoint");

        // The register: a cooperative of Lyon; the person hired with an Idempotency-Key; their card enrolment.
        var cooperative = await platform.Gateway.CreatedIdAsync(Send(HttpMethod.Post, "/api/membership/cooperatives", aura, new
        {
            name = "Scop des Traboules", siren = Siren(), legalForm = "SCOP", communeCode = "69123", nafCode = "13.20Z",
            headcount = 8,
        }));
        var hireRequest = Send(HttpMethod.Post, $"/api/membership/cooperatives/{cooperative}/people", aura, hire);
        hireRequest.Headers.Add("Idempotency-Key", $"hire-{Guid.NewGuid():N}");
        var person = await platform.Gateway.CreatedIdAsync(hireRequest);
        await platform.Gateway.CreatedIdAsync(Send(HttpMethod.Post, $"/api/membership/people/{person}/benefit-enrolments", aura, new
        {
            benefitCode = "scop-agir-card", consentedFields = new[] { "givenName", "familyName", "email", "birthDate" },
        }));

        // Training: a session of the union, on which the union's delegate books them once training knows them.
        var course = await platform.Gateway.CreatedIdAsync(Send(HttpMethod.Post, "/api/training/courses", admin,
            new { title = "Coopérer au quotidien", path = "Cooperative", durationHours = 7 }));
        var session = await platform.Gateway.CreatedIdAsync(Send(HttpMethod.Post, "/api/training/sessions", admin, new
        {
            courseId = course, startsOn = FrenchHolidays.WorkingDayFrom(new DateOnly(DateTime.UtcNow.Year + 1, 4, 6)).ToString("yyyy-MM-dd"),
            regionalUnion = "urscop-aura", communeCode = "69123", capacity = 12, priceCents = 0, status = "Open",
        }));
        await BookWhenKnownAsync(session, person, aura);

        await Until(() => Task.FromResult(bankReceived.Any(b => b.Contains(hire.email))), "the bank received the enrolment");
        string[] needles = [suffix, hire.email, hire.birthDate, person.ToString()];
        Assert.NotEmpty(await FindEverywhereAsync(needles));

        using (var erased = await platform.Gateway.SendAsync(Send(HttpMethod.Post, $"/api/membership/people/{person}/erasure", aura)))
        {
            Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        }

        var deadline = DateTime.UtcNow + Patience;
        List<string> found;
        while ((found = await FindEverywhereAsync(needles)).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Empty(found);

        // The bank asks for the enrolment again: the same event comes, with nothing of the person.
        var delivery = (await platform.Gateway.ReadAsync($"/api/partner-hooks/deliveries?endpointId={endpoint}", admin))
            .GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid();
        var receivedBefore = bankReceived.Count;
        using (var replay = await platform.Gateway.SendAsync(Send(HttpMethod.Post, $"/api/partner-hooks/deliveries/{delivery}/replay", admin)))
        {
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        }

        await Until(() => Task.FromResult(bankReceived.Count > receivedBefore), "the replay reached the bank");
        var replayed = bankReceived.Last();
        Assert.All(needles.Append(hire.givenName).Append("H\\u00E9lo"), n => Assert.DoesNotContain(n, replayed, StringComparison.OrdinalIgnoreCase));
        Assert.Equal("scop-agir-card", JsonDocument.Parse(replayed).RootElement.GetProperty("data").GetProperty("benefitCode").GetString());

        // No process of the platform wrote anything of the person to its console log, from its start until now.
        var consoleLines = new List<string>();
        var logs = platform.App.Services.GetRequiredService<ResourceLoggerService>();
        foreach (var project in platform.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>())
        {
            await foreach (var batch in logs.GetAllAsync(project))
            {
                consoleLines.AddRange(batch.Select(line => $"{project.Name}: {line.Content}"));
            }
        }

        Assert.NotEmpty(consoleLines);
        Assert.DoesNotContain(consoleLines, line => needles[..^1].Any(n => line.Contains(n, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Where any needle appears: every service's database (uuids too, but in the register, which keeps its
    /// erased entry under its id) and Redis's keys and string values.</summary>
    private async Task<List<string>> FindEverywhereAsync(string[] needles)
    {
        var found = new List<string>();
        foreach (var database in new[]
                 {
                     ResourceNames.MembershipDatabase, ResourceNames.TrainingDatabase, ResourceNames.PartnerHooksDatabase,
                     ResourceNames.PortalDatabase, ResourceNames.IdentityDatabase, ResourceNames.NotificationsDatabase,
                     ResourceNames.AmbassadorsDatabase,
                 })
        {
            var connectionString = await platform.App.GetConnectionStringAsync(database)
                ?? throw new InvalidOperationException($"No connection string for {database}");
            found.AddRange((await DatabaseScan.FindAsync(connectionString, needles,
                    includeUuids: database != ResourceNames.MembershipDatabase))
                .Select(f => $"{database}: {f}"));
        }

        var redis = await platform.App.GetConnectionStringAsync(ResourceNames.Redis)
            ?? throw new InvalidOperationException("No connection string for redis");
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        var db = connection.GetDatabase();
        foreach (var server in connection.GetServers())
        {
            await foreach (var key in server.KeysAsync(pattern: "*"))
            {
                var value = await db.KeyTypeAsync(key) == RedisType.String ? (string?)await db.StringGetAsync(key) : null;
                var text = $"{key} {value}";
                found.AddRange(needles.Where(n => text.Contains(n, StringComparison.OrdinalIgnoreCase)).Select(n => $"redis: {key}"));
            }
        }

        return found;
    }

    private async Task BookWhenKnownAsync(Guid session, Guid person, string token)
    {
        await Until(async () =>
        {
            using var response = await platform.Gateway.SendAsync(Send(HttpMethod.Post, $"/api/training/sessions/{session}/bookings", token,
                new { attendees = new[] { new { personId = person, role = "Employee" } } }));
            // Until training has consumed PersonHired, the person is unknown to it: a 400 that writes nothing.
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.BadRequest,
                $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.StatusCode == HttpStatusCode.Created;
        }, "training booked the person");
    }
}
