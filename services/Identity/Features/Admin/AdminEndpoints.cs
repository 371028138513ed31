using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using Scop.Aspire.Identity.Data;
using Scop.Aspire.Identity.Domain;
using Scop.Aspire.Identity.Features.Connect;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Scop.Aspire.Identity.Features.Admin;

/// <summary>
/// <c>/api/identity/...</c>, for confederation admins (a token of audience <c>identity</c>): create users, set their
/// roles and the scope of those roles, register partner clients. A client's secret is shown once, in the answer to
/// its registration; the store keeps only its hash.
/// </summary>
public static partial class AdminEndpoints
{
    public sealed record CreateUserRequest(string? UserName, string? DisplayName, string? Email, string? Password,
        string[]? Roles, string? RegionalUnion, Guid? CooperativeId);

    public sealed record SetRolesRequest(string[]? Roles, string? RegionalUnion, Guid? CooperativeId);

    public sealed record UserResponse(string Id, string UserName, string? DisplayName, string? Email,
        IReadOnlyList<string> Roles, string? RegionalUnion, Guid? CooperativeId, DateTimeOffset? LockedUntil);

    public sealed record RegisterClientRequest(string? ClientId, string? DisplayName, string[]? Scopes, string[]? Roles);

    public sealed record ClientResponse(string ClientId, string? DisplayName, IReadOnlyList<string> Scopes,
        IReadOnlyList<string> Roles, string? ClientSecret);

    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/identity").WithTags("Identity administration")
            .RequireAuthorization(PlatformPolicies.ConfederationAdmin);
        // The bodies are read by JsonBody (field-level errors for any malformed input); Accepts documents them.
        admin.MapPost("/users", CreateUserAsync).WithName("CreateUser").WithSummary("Create a user with roles")
            .Accepts<CreateUserRequest>("application/json");
        admin.MapGet("/users", ListUsersAsync).WithName("ListUsers")
            .WithSummary("Users by user name or display name, paged, with their roles");
        admin.MapGet("/users/{id}", GetUserAsync).WithName("GetUser").WithSummary("One user");
        admin.MapPut("/users/{id}/roles", SetRolesAsync).WithName("SetUserRoles")
            .WithSummary("Replace a user's roles and the scope of those roles").Accepts<SetRolesRequest>("application/json");
        admin.MapPost("/clients", RegisterClientAsync).WithName("RegisterClient")
            .WithSummary("Register a machine client (a partner bank); the secret is in this answer only")
            .Accepts<RegisterClientRequest>("application/json");
        admin.MapGet("/clients/{clientId}", GetClientAsync).WithName("GetClient").WithSummary("One machine client");
        return app;
    }

    private static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> CreateUserAsync(
        HttpRequest http, UserManager<PlatformUser> users, IdentityServiceDbContext db, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<CreateUserRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var userName = errors.RequireText("userName", request!.UserName, 256);
        if (userName.Length > 0 && !UserNamePattern().IsMatch(userName))
        {
            errors.Add("userName", "Letters, digits and . _ @ - only.");
        }

        var displayName = request.DisplayName?.Trim() is { Length: > 0 } name ? name : null;
        if (displayName?.Length > PlatformUser.MaxDisplayNameLength)
        {
            errors.Add("displayName", $"At most {PlatformUser.MaxDisplayNameLength} characters.");
        }

        if (string.IsNullOrEmpty(request.Password))
        {
            errors.Add("password", "This field is required.");
        }

        var scope = ValidateRoles(request.Roles, request.RegionalUnion, request.CooperativeId, errors);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (await users.FindByNameAsync(userName) is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "User name taken",
                detail: $"A user named {userName} already exists.");
        }

        var user = new PlatformUser
        {
            UserName = userName,
            DisplayName = displayName,
            Email = request.Email?.Trim() is { Length: > 0 } email ? email : null,
            RegionalUnion = scope.RegionalUnion,
            CooperativeId = scope.CooperativeId,
        };
        var created = await users.CreateAsync(user, request.Password!);
        if (!created.Succeeded)
        {
            return IdentityErrors(created, "password");
        }

        await EnsureRolesAsync(db, scope.Roles, ct);
        var assigned = await users.AddToRolesAsync(user, scope.Roles);
        if (!assigned.Succeeded)
        {
            return IdentityErrors(assigned, "roles");
        }

        return TypedResults.Created($"/api/identity/users/{user.Id}", await ToResponseAsync(user, users));
    }

    private static async Task<Results<Ok<PagedList<UserResponse>>, ValidationProblem>> ListUsersAsync(
        UserManager<PlatformUser> users, int? page, int? pageSize, string? name = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        if (name?.Length > 256)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["At most 256 characters."] });
        }

        var query = users.Users;
        if (name?.Trim() is { Length: > 0 } search)
        {
            // Case folded by PostgreSQL on both sides (ILIKE), so « léa » finds « Léa »; % and _ are searched as such.
            var pattern = "%" + search.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";
            query = query.Where(u => EF.Functions.ILike(u.UserName!, pattern) || EF.Functions.ILike(u.DisplayName!, pattern));
        }

        var total = await query.LongCountAsync();
        var found = await query.OrderBy(u => u.UserName).Skip(paging.Skip).Take(paging.PageSize).ToListAsync();
        var items = new List<UserResponse>(found.Count);
        foreach (var user in found)
        {
            items.Add(await ToResponseAsync(user, users));
        }

        return TypedResults.Ok(new PagedList<UserResponse>(items, paging.Page, paging.PageSize, total));
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetUserAsync(string id, UserManager<PlatformUser> users)
    {
        var user = await users.FindByIdAsync(id);
        return user is null ? UserNotFound(id) : TypedResults.Ok(await ToResponseAsync(user, users));
    }

    private static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> SetRolesAsync(
        string id, HttpRequest http, UserManager<PlatformUser> users, IdentityServiceDbContext db, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<SetRolesRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var scope = ValidateRoles(request!.Roles, request.RegionalUnion, request.CooperativeId, errors);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var user = await users.FindByIdAsync(id);
        if (user is null)
        {
            return UserNotFound(id);
        }

        await EnsureRolesAsync(db, scope.Roles, ct);
        var current = await users.GetRolesAsync(user);
        var removed = await users.RemoveFromRolesAsync(user, current.Except(scope.Roles));
        var added = removed.Succeeded ? await users.AddToRolesAsync(user, scope.Roles.Except(current)) : removed;
        if (!added.Succeeded)
        {
            return IdentityErrors(added, "roles");
        }

        user.RegionalUnion = scope.RegionalUnion;
        user.CooperativeId = scope.CooperativeId;
        await users.UpdateAsync(user);
        return TypedResults.Ok(await ToResponseAsync(user, users));
    }

    private static async Task<Results<Created<ClientResponse>, ValidationProblem, ProblemHttpResult>> RegisterClientAsync(
        HttpRequest http, IOpenIddictApplicationManager applications, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<RegisterClientRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var clientId = errors.RequireText("clientId", request!.ClientId, 100);
        if (clientId.Length > 0 && !ClientIdPattern().IsMatch(clientId))
        {
            errors.Add("clientId", "Lower-case letters, digits and - only, starting with a letter.");
        }

        var displayName = errors.RequireText("displayName", request.DisplayName, 200);
        var scopes = (request.Scopes ?? []).Select(s => s?.Trim() ?? "").Distinct().ToList();
        if (scopes.Count == 0)
        {
            errors.Add("scopes", $"At least one of {string.Join(", ", PlatformAudiences.All)}.");
        }
        else if (scopes.FirstOrDefault(s => !PlatformAudiences.All.Contains(s)) is { } unknown)
        {
            errors.Add("scopes", $"'{unknown}' is not an API scope; one of {string.Join(", ", PlatformAudiences.All)}.");
        }

        var roles = (request.Roles is { Length: > 0 } given ? given : [PlatformRoles.Partner])
            .Select(r => r?.Trim() ?? "").Distinct().ToList();
        if (roles.FirstOrDefault(r => r != PlatformRoles.Partner) is { } other)
        {
            errors.Add("roles", $"A machine client can only be a {PlatformRoles.Partner}, not '{other}'.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (await applications.FindByClientIdAsync(clientId, ct) is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Client id taken",
                detail: $"A client with the id {clientId} already exists.");
        }

        var secret = NewSecret();
        await applications.CreateAsync(MachineClient(clientId, displayName, secret, scopes, roles), ct);
        return TypedResults.Created($"/api/identity/clients/{clientId}",
            new ClientResponse(clientId, displayName, scopes, roles, secret));
    }

    private static async Task<Results<Ok<ClientResponse>, ProblemHttpResult>> GetClientAsync(string clientId,
        IOpenIddictApplicationManager applications, CancellationToken ct)
    {
        var application = await applications.FindByClientIdAsync(clientId, ct);
        if (application is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Client not found",
                detail: $"No client has the id {clientId}.");
        }

        var permissions = await applications.GetPermissionsAsync(application, ct);
        var scopes = permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(p => p[Permissions.Prefixes.Scope.Length..]).ToList();
        return TypedResults.Ok(new ClientResponse(clientId, await applications.GetDisplayNameAsync(application, ct), scopes,
            await TokenClaims.ApplicationRolesAsync(application, applications, ct), ClientSecret: null));
    }

    /// <summary>A confidential client allowed the client-credentials flow on the given API scopes, with its roles.</summary>
    public static OpenIddictApplicationDescriptor MachineClient(string clientId, string displayName, string secret,
        IEnumerable<string> scopes, IEnumerable<string> roles)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret, // hashed by the application manager before it is stored
            ClientType = ClientTypes.Confidential,
            DisplayName = displayName,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var scope in scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        descriptor.Properties[TokenClaims.ApplicationRolesProperty] = JsonSerializer.SerializeToElement(roles.ToArray());
        return descriptor;
    }

    /// <summary>32 random bytes, base64url: a secret nobody guesses.</summary>
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record RoleScope(List<string> Roles, string? RegionalUnion, Guid? CooperativeId);

    private static RoleScope ValidateRoles(string[]? requested, string? regionalUnion, Guid? cooperativeId, ValidationErrors errors)
    {
        var roles = (requested ?? []).Select(r => r?.Trim() ?? "").Distinct().ToList();
        if (roles.Count == 0)
        {
            errors.Add("roles", "At least one role.");
        }

        foreach (var role in roles.Where(r => !PlatformRoles.All.Contains(r)))
        {
            errors.Add("roles", $"'{role}' is not a role; one of {string.Join(", ", PlatformRoles.All)}.");
        }

        if (roles.Contains(PlatformRoles.Partner))
        {
            errors.Add("roles", "Partners are machine clients: register them under /api/identity/clients.");
        }

        var union = regionalUnion?.Trim() is { Length: > 0 } u ? u : null;
        if (roles.Contains(PlatformRoles.Delegate) && union is null)
        {
            errors.Add("regionalUnion", "A delegate acts for one regional union: name it (e.g. urscop-aura).");
        }
        else if (union is not null && (union.Length > PlatformUser.MaxRegionalUnionLength || !ClientIdPattern().IsMatch(union)))
        {
            errors.Add("regionalUnion", "Lower-case letters, digits and - only (e.g. urscop-aura).");
        }

        if (roles.Contains(PlatformRoles.CooperativeManager) && (cooperativeId is null || cooperativeId == Guid.Empty))
        {
            errors.Add("cooperativeId", "A cooperative manager manages one cooperative: give its id.");
        }

        return new RoleScope(roles,
            roles.Contains(PlatformRoles.Delegate) ? union : null,
            roles.Contains(PlatformRoles.CooperativeManager) ? cooperativeId : null);
    }

    /// <summary>
    /// Makes the roles exist. Checking then creating raced: the development seed, the admin API, two replicas and the
    /// consumers of a burst of hires all create roles, and the second to insert one failed on its unique name. One
    /// statement per role that does nothing when the name is taken cannot fail that way.
    /// </summary>
    public static async Task EnsureRolesAsync(IdentityServiceDbContext db, IEnumerable<string> names, CancellationToken ct = default)
    {
        foreach (var name in names)
        {
            // The normalised name as ASP.NET Core Identity's default normaliser writes it (upper case, invariant).
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "AspNetRoles" (id, name, normalized_name, concurrency_stamp)
                VALUES ({Guid.NewGuid().ToString()}, {name}, {name.ToUpperInvariant()}, {Guid.NewGuid().ToString()})
                ON CONFLICT DO NOTHING
                """, ct);
        }
    }

    private static async Task<UserResponse> ToResponseAsync(PlatformUser user, UserManager<PlatformUser> users) =>
        new(user.Id, user.UserName!, user.DisplayName, user.Email, [.. await users.GetRolesAsync(user)], user.RegionalUnion,
            user.CooperativeId, user.LockoutEnd is { } end && end > DateTimeOffset.UtcNow ? end : null);

    private static ValidationProblem IdentityErrors(IdentityResult result, string field) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]>
        {
            [field] = result.Errors.Select(e => e.Description).ToArray(),
        });

    private static ProblemHttpResult UserNotFound(string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "User not found", detail: $"No user has the id {id}.");

    [GeneratedRegex(@"^[A-Za-z0-9._@\-]+$")]
    private static partial Regex UserNamePattern();

    [GeneratedRegex(@"^[a-z][a-z0-9\-]*$")]
    private static partial Regex ClientIdPattern();
}
