using System.Net;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Scop.Aspire.Identity.Domain;
using Scop.Aspire.Identity.Features.Connect;

namespace Scop.Aspire.Identity.Features.Account;

/// <summary>
/// <c>/account/login</c>: the small server-rendered sign-in page of the code flow. A form protected by an antiforgery
/// token. Guessing is throttled per client address before any password is checked (429 with <c>Retry-After</c>), and
/// an account is locked only by failures from several addresses (<see cref="SignInThrottle"/>); while it is locked even
/// the right password is refused (423). An unknown user name costs the same password hash as a known one, and gets
/// the same answer as a wrong password.
/// </summary>
public static class Login
{
    public const string Path = "/account/login";

    public static IEndpointRouteBuilder MapAccount(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").AllowAnonymous().ExcludeFromDescription();
        account.MapGet("/login", (HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
            Page(http, antiforgery, returnUrl, userName: null, error: null, StatusCodes.Status200OK));
        account.MapPost("/login", PostAsync);
        return app;
    }

    private static async Task<IResult> PostAsync(HttpContext http, IAntiforgery antiforgery, SignInManager<PlatformUser> signIn,
        UserManager<PlatformUser> users, IPasswordHasher<PlatformUser> hasher, UnknownUserPassword unknownUser,
        SignInThrottle throttle, AccountLockout lockout, ClientAddresses clients, Sessions sessions, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "A form is expected");
        }

        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The form has expired",
                detail: "Reload the sign-in page and try again.");
        }

        var form = await http.Request.ReadFormAsync(ct);
        var userName = form["username"].ToString().Trim();
        var password = form["password"].ToString();
        var returnUrl = form["returnUrl"].ToString();
        if (!IsLocal(returnUrl))
        {
            returnUrl = "/";
        }

        if (userName.Length == 0 || password.Length == 0)
        {
            return Page(http, antiforgery, returnUrl, userName, "Enter your user name and your password.", StatusCodes.Status400BadRequest);
        }

        if (userName.Length > MaxUserNameLength || password.Length > MaxPasswordLength)
        {
            return Page(http, antiforgery, returnUrl, userName: null, "Wrong user name or password.", StatusCodes.Status400BadRequest);
        }

        var normalizedName = users.NormalizeName(userName);
        var admission = await throttle.AdmitAsync(clients.BlockOf(http), normalizedName, ct);
        if (admission is SignInThrottle.Throttled throttled)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(throttled.RetryAfter.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Page(http, antiforgery, returnUrl, userName,
                $"Too many failed sign-ins from your network. Try again in {(seconds + 59) / 60} min.", StatusCodes.Status429TooManyRequests);
        }

        var attempt = (SignInThrottle.Admitted)admission;
        var user = await users.FindByNameAsync(userName);

        // Exactly one password hash is checked on every path, known user or not, locked or not.
        var passwordIsRight = user?.PasswordHash is { Length: > 0 }
            ? await users.CheckPasswordAsync(user, password)
            : unknownUser.Verify(hasher, password);
        // This attempt counts among the account's failures until it succeeds. An unknown name is "locked" by the same
        // rule as a real account, so that the lock does not tell either which names exist.
        var underAttack = await throttle.AccountUnderAttackAsync(attempt, ct);
        var locked = user is not null ? lockout.IsLocked(user) : underAttack;
        if (passwordIsRight)
        {
            // The right password is no guess, even on a locked account: it counts against neither address nor account.
            await throttle.SucceededAsync(attempt, ct);
            if (!locked)
            {
                await signIn.SignInWithClaimsAsync(user!, isPersistent: false, sessions.Start());
                return Results.Redirect(returnUrl);
            }
        }

        if (!locked && underAttack && user is not null)
        {
            locked = true;
            await lockout.LockAsync(user, users);
        }

        return locked
            ? Page(http, antiforgery, returnUrl, userName,
                "This account is locked after too many failed sign-ins. Try again later.", StatusCodes.Status423Locked)
            : Page(http, antiforgery, returnUrl, userName, "Wrong user name or password.", StatusCodes.Status401Unauthorized);
    }

    /// <summary>Longer than any real user name (256 at most) or password: refused before any work.</summary>
    private const int MaxUserNameLength = 256;

    private const int MaxPasswordLength = 1024;

    /// <summary>Only paths of this site: never an open redirect to another one.</summary>
    private static bool IsLocal(string url) =>
        url.Length > 0 && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    private static IResult Page(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? userName,
        string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        static string E(string? value) => WebUtility.HtmlEncode(value ?? "");
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Connexion — SCOP</title>")
            .Append("<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}")
            .Append("label,input,button{display:block;width:100%;margin:.4rem 0}input,button{padding:.5rem;font-size:1rem}")
            .Append(".error{color:#a00}</style></head><body>")
            .Append("<h1>Connexion</h1>");
        if (error is not null)
        {
            html.Append("<p class=\"error\" role=\"alert\">").Append(E(error)).Append("</p>");
        }

        html.Append("<form method=\"post\" action=\"").Append(E(http.Request.PathBase + Path)).Append("\">")
            .Append("<input type=\"hidden\" name=\"").Append(E(tokens.FormFieldName)).Append("\" value=\"")
            .Append(E(tokens.RequestToken)).Append("\">")
            .Append("<input type=\"hidden\" name=\"returnUrl\" value=\"").Append(E(IsLocal(returnUrl ?? "") ? returnUrl : "/")).Append("\">")
            .Append("<label for=\"username\">Identifiant</label>")
            .Append("<input id=\"username\" name=\"username\" autocomplete=\"username\" required value=\"").Append(E(userName)).Append("\">")
            .Append("<label for=\"password\">Mot de passe</label>")
            .Append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>")
            .Append("<button type=\"submit\">Se connecter</button></form></body></html>");
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Frame-Options"] = "DENY";
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
