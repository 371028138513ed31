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
        account.MapGet("/login.css", () => Results.Text(Stylesheet, "text/css; charset=utf-8"));
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
            return Page(http, antiforgery, returnUrl, userName, "Saisissez votre identifiant et votre mot de passe.", StatusCodes.Status400BadRequest);
        }

        if (userName.Length > MaxUserNameLength || password.Length > MaxPasswordLength)
        {
            return Page(http, antiforgery, returnUrl, userName: null, "Identifiant ou mot de passe incorrect.", StatusCodes.Status400BadRequest);
        }

        var normalizedName = users.NormalizeName(userName);
        var admission = await throttle.AdmitAsync(clients.BlockOf(http), normalizedName, ct);
        if (admission is SignInThrottle.Throttled throttled)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(throttled.RetryAfter.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Page(http, antiforgery, returnUrl, userName,
                $"Trop de connexions échouées depuis votre réseau. Réessayez dans {(seconds + 59) / 60} min.", StatusCodes.Status429TooManyRequests);
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
                "Ce compte est bloqué après trop de connexions échouées. Réessayez plus tard.", StatusCodes.Status423Locked)
            : Page(http, antiforgery, returnUrl, userName, "Identifiant ou mot de passe incorrect.", StatusCodes.Status401Unauthorized);
    }

    /// <summary>
    /// The page's look: the web front-end's (colours, system fonts, the header's brand), served here so the page stands on
    /// its own for the mobile app too, and carries no inline style.
    /// </summary>
    private const string Stylesheet = """
        :root{--ink:#1c2430;--muted:#4d5968;--line:#d8dee6;--brand:#0b5563;--brand-dark:#083f4a;--bad:#a1221b;--bad-wash:#fdeceb}
        *,*::before,*::after{box-sizing:border-box}
        body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans",sans-serif;
          line-height:1.55;color:var(--ink);background:#f4f6f8}
        .wrap{max-width:26rem;margin:0 auto;padding:0 1rem}
        .site-header{background:#fff;border-bottom:1px solid var(--line)}
        .site-header .wrap{max-width:72rem;padding-top:.7rem;padding-bottom:.7rem}
        .brand{display:inline-flex;align-items:center;gap:.5rem;font-weight:700;font-size:1.1rem;color:var(--ink);text-decoration:none}
        .brand-mark{display:inline-grid;place-items:center;width:2rem;height:2rem;border-radius:8px;background:var(--brand);color:#fff;font-weight:800}
        main{padding-top:2rem;padding-bottom:3rem}
        .card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:1.3rem 1.2rem;
          box-shadow:0 1px 2px rgb(20 30 40/8%),0 2px 8px rgb(20 30 40/6%)}
        h1{font-size:1.6rem;margin:0 0 .4rem}
        .muted{color:var(--muted);margin-top:0}
        label{display:block;font-weight:600;margin:.9rem 0 .3rem}
        input{font:inherit;width:100%;padding:.5rem .65rem;min-height:2.6rem;border:1px solid #8a96a5;border-radius:8px}
        button{font:inherit;width:100%;margin-top:1.2rem;min-height:2.6rem;border-radius:8px;border:1px solid var(--brand);
          background:var(--brand);color:#fff;font-weight:600;cursor:pointer}
        button:hover{background:var(--brand-dark)}
        :focus-visible{outline:3px solid #f0a500;outline-offset:2px}
        .error{color:var(--bad);background:var(--bad-wash);border:1px solid #f2c1bd;border-radius:8px;padding:.6rem .8rem}
        .back{text-align:center;margin-top:1rem}
        a{color:var(--brand)}
        """;

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
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<meta name=\"theme-color\" content=\"#0b5563\"><title>Connexion — Réseau SCOP</title>")
            .Append("<link rel=\"stylesheet\" href=\"").Append(E(http.Request.PathBase + "/account/login.css")).Append("\">")
            .Append("</head><body>")
            .Append("<header class=\"site-header\"><div class=\"wrap\"><a class=\"brand\" href=\"/\">")
            .Append("<span class=\"brand-mark\" aria-hidden=\"true\">S</span> Réseau SCOP</a></div></header>")
            .Append("<main id=\"contenu\" class=\"wrap\"><div class=\"card\"><h1>Connexion</h1>")
            .Append("<p class=\"muted\">Avec l'identifiant que votre union régionale ou la Confédération vous a remis.</p>");
        if (error is not null)
        {
            html.Append("<p class=\"error\" role=\"alert\" id=\"erreur\">").Append(E(error)).Append("</p>");
        }

        var described = error is null ? "" : " aria-describedby=\"erreur\"";
        html.Append("<form method=\"post\" action=\"").Append(E(http.Request.PathBase + Path)).Append("\">")
            .Append("<input type=\"hidden\" name=\"").Append(E(tokens.FormFieldName)).Append("\" value=\"")
            .Append(E(tokens.RequestToken)).Append("\">")
            .Append("<input type=\"hidden\" name=\"returnUrl\" value=\"").Append(E(IsLocal(returnUrl ?? "") ? returnUrl : "/")).Append("\">")
            .Append("<label for=\"username\">Identifiant</label>")
            .Append("<input id=\"username\" name=\"username\" autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" required")
            .Append(described).Append(" value=\"").Append(E(userName)).Append("\">")
            .Append("<label for=\"password\">Mot de passe</label>")
            .Append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required")
            .Append(described).Append(">")
            .Append("<button type=\"submit\">Se connecter</button></form></div>")
            .Append("<p class=\"back\"><a href=\"/\">Retour au site</a></p></main></body></html>");
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Frame-Options"] = "DENY";
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
