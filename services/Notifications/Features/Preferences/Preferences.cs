using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Notifications.Data;
using Scop.Aspire.Notifications.Domain;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Notifications.Features.Preferences;

/// <summary>
/// What the signed-in person is told and how (<c>/api/notifications/me/preferences</c>): for each kind of notification,
/// by e-mail, in the inbox, both or neither. Every kind is sent both ways until they choose. A change names the version
/// it read (<c>If-Match</c>), so two devices editing at once cannot overwrite each other unseen. A token without
/// <c>person_id</c> has no preferences (<c>404</c>).
/// </summary>
public static class Preferences
{
    public sealed record PreferencesResponse(IReadOnlyList<ChannelChoice> Kinds, string ETag);

    public sealed record PreferencesRequest(IReadOnlyList<ChoiceRequest>? Kinds);

    public sealed record ChoiceRequest(string? Kind, bool? Email, bool? Inbox);

    public static IEndpointRouteBuilder MapPreferences(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/notifications/me/preferences").WithTags("Preferences")
            .RequireAuthorization(PlatformPolicies.Person);
        me.MapGet("/", GetAsync).WithName("GetMyPreferences").WithSummary("What I am told, by which channel");
        me.MapPut("/", PutAsync).WithName("SetMyPreferences").WithSummary("Choose what I am told, by which channel (If-Match required)")
            .WithDescription("Kinds not listed keep their choice. The If-Match header carries the ETag read: 412 when another change came first, 428 when it is missing.")
            .Accepts<PreferencesRequest>("application/json");
        return app;
    }

    public static async Task<Results<Ok<PreferencesResponse>, ProblemHttpResult>> GetAsync(ClaimsPrincipal user,
        NotificationsDbContext db, HttpResponse response, CancellationToken ct)
    {
        if (CallerScope.Of(user).Person is not { } person)
        {
            return NoPerson();
        }

        var set = await db.Preferences.AsNoTracking().SingleOrDefaultAsync(p => p.PersonId == person, ct)
                  ?? new PreferenceSet { PersonId = person };
        var answer = ToResponse(set);
        response.Headers.ETag = answer.ETag;
        return TypedResults.Ok(answer);
    }

    public static async Task<Results<Ok<PreferencesResponse>, ValidationProblem, ProblemHttpResult>> PutAsync(
        ClaimsPrincipal user, HttpRequest http, NotificationsDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (CallerScope.Of(user).Person is not { } person)
        {
            return NoPerson();
        }

        if (http.Headers.IfMatch.ToString() is not { Length: > 0 } ifMatch)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required",
                detail: "Send the ETag of the preferences you read (GET) in an If-Match header.");
        }

        var (request, problem) = await JsonBody.ReadAsync<PreferencesRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        if (request!.Kinds is null || request.Kinds.Count == 0)
        {
            errors.Add("kinds", "At least one kind, e.g. {\"kind\":\"waitlist-offer\",\"email\":true,\"inbox\":true}.");
        }

        var choices = new List<ChannelChoice>();
        for (var i = 0; i < (request.Kinds?.Count ?? 0); i++)
        {
            var choice = request.Kinds![i];
            if (choice is null || choice.Kind is null || !NotificationKinds.Optional.Contains(choice.Kind))
            {
                errors.Add($"kinds[{i}].kind", $"One of {string.Join(", ", NotificationKinds.Optional)}.");
                continue;
            }

            if (choice.Email is null)
            {
                errors.Add($"kinds[{i}].email", "This field is required (true or false).");
            }

            if (choice.Inbox is null)
            {
                errors.Add($"kinds[{i}].inbox", "This field is required (true or false).");
            }

            if (choices.Any(c => c.Kind == choice.Kind))
            {
                errors.Add($"kinds[{i}].kind", "Each kind once.");
            }
            else if (choice.Email is { } email && choice.Inbox is { } inbox)
            {
                choices.Add(new ChannelChoice(choice.Kind, email, inbox));
            }
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var set = await db.Preferences.SingleOrDefaultAsync(p => p.PersonId == person, ct);
        var current = ToResponse(set ?? new PreferenceSet { PersonId = person }).ETag;
        if (!ifMatch.Split(',').Select(t => t.Trim()).Any(t => t == "*" || t == current))
        {
            return StaleVersion();
        }

        if (set is null)
        {
            set = new PreferenceSet { PersonId = person };
            db.Preferences.Add(set);
        }

        var merged = set.Choices.Where(c => choices.All(n => n.Kind != c.Kind)).Concat(choices)
            .Where(c => !(c.Email && c.Inbox)) // the default needs no row
            .OrderBy(c => c.Kind, StringComparer.Ordinal).ToList();
        set.Choices = merged;
        set.Version++;
        set.UpdatedAt = time.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is DbUpdateConcurrencyException
                                  || (e is DbUpdateException { InnerException: Npgsql.PostgresException { SqlState: "23505" } }))
        {
            return StaleVersion(); // another change of the same version committed first
        }

        var answer = ToResponse(set);
        http.HttpContext.Response.Headers.ETag = answer.ETag;
        return TypedResults.Ok(answer);
    }

    private static PreferencesResponse ToResponse(PreferenceSet set) => new(
        NotificationKinds.Optional.Select(set.For).ToList(),
        $"\"{set.Version.ToString(CultureInfo.InvariantCulture)}\"");

    private static ProblemHttpResult StaleVersion() => TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed,
        title: "Preferences changed meanwhile", detail: "Another change came first: read them again (GET) and send the new ETag.");

    private static ProblemHttpResult NoPerson() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
        title: "No preferences", detail: "Your token names no person of the register (person_id), so nothing is sent to you.");
}
