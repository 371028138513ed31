using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;
using Scop.Aspire.Testing.Hosting;

namespace Scop.Aspire.Messaging.Tests;

/// <summary>
/// A service as the platform builds one, on a real Kestrel server: its database, its messaging (which runs the expiry
/// of kept answers), bearer tokens as every service checks them, and one creating endpoint made idempotent by
/// <see cref="Idempotency.WithIdempotency{TDbContext}"/>. <c>POST /things/{group}</c> writes an effect row, then
/// answers as its <c>X-Answer</c> header says: <c>created</c> (201, the default), <c>invalid</c> (400, before writing),
/// <c>refused</c> (409, after writing), <c>unavailable</c> (503, after writing) or <c>crash</c> (an exception, after
/// writing).
/// </summary>
public sealed class IdempotentService : IAsyncDisposable
{
    public const string Audience = "idempotency-test";
    public const string AnswerHeader = "X-Answer";

    private readonly WebApplication app;
    private readonly PlatformServers servers;
    private readonly string serviceName;

    private IdempotentService(WebApplication app, PlatformServers servers, string serviceName, string database)
    {
        this.app = app;
        this.servers = servers;
        this.serviceName = serviceName;
        Database = database;
    }

    public string Database { get; }

    public Uri Address { get; private set; } = null!;

    public IServiceProvider Services => app.Services;

    public sealed record Thing(long Id, string Group, string? Query);

    public static async Task<IdempotentService> StartAsync(PlatformServers servers, TimeProvider time,
        TimeSpan? purgeInterval = null)
    {
        var database = await servers.Postgres.CreateDatabaseAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:testdb"] = database,
            ["ConnectionStrings:rabbitmq"] = servers.RabbitMq.ConnectionString,
            ["Scop:Idempotency:PurgeInterval"] = (purgeInterval ?? TimeSpan.FromMinutes(10)).ToString("c"),
        });
        builder.Configuration.AddInMemoryCollection(TestTokens.Settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.AddHttpDefaults();
        builder.AddServiceDatabase<TestDbContext>("testdb");
        var serviceName = $"idem-{Guid.NewGuid():N}"[..13];
        builder.AddMessaging<TestDbContext>(serviceName);
        builder.AddPlatformAuthentication(Audience);
        builder.Services.AddSingleton(time);

        var app = builder.Build();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TestDbContext>().Database.EnsureCreatedAsync();
        }

        app.UseServiceDefaults();
        app.MapPost("/things/{group}", CreateAsync).RequireAuthorization().WithIdempotency<TestDbContext>();
        await app.StartAsync();
        var service = new IdempotentService(app, servers, serviceName, database) { Address = ListeningAddress.Of(app.Services) };
        return service;
    }

    private static async Task<IResult> CreateAsync(string group, HttpRequest http, TestDbContext db, CancellationToken ct)
    {
        var answer = http.Headers[AnswerHeader].ToString();
        if (answer == "invalid")
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["This field is required."] });
        }

        var effect = new Effect { EventId = Guid.NewGuid(), AggregateId = group + http.QueryString };
        db.Effects.Add(effect);
        await db.SaveChangesAsync(ct);
        return answer switch
        {
            "refused" => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Refused after writing"),
            "unavailable" => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Unavailable after writing"),
            "crash" => throw new InvalidOperationException("The handler failed after writing."),
            _ => TypedResults.Created($"/things/{group}/{effect.Id}",
                new Thing(effect.Id, group, http.QueryString.HasValue ? http.QueryString.Value : null)),
        };
    }

    /// <summary>A client presenting <paramref name="token"/>.</summary>
    public HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A person's token (their own subject, through the web client).</summary>
    public static string PersonToken(string subject) => TestTokens.Mint(Audience, [], subject: subject);

    /// <summary>A machine's token, as client credentials give one: its subject is its client id.</summary>
    public static string MachineToken(string clientId) => TestTokens.Mint(Audience, [], clientId: clientId, subject: clientId);

    /// <summary>Every effect row's group (and query), in the order written.</summary>
    public async Task<List<string>> EffectsAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TestDbContext>().Effects.AsNoTracking()
            .OrderBy(e => e.Id).Select(e => e.AggregateId).ToListAsync();
    }

    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        await MessagingHost.DeleteQueuesAsync(servers, serviceName);
    }
}
