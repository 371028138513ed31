using System.Net;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Identity.Data;
using Scop.Aspire.Identity.Domain;

namespace Scop.Aspire.Identity.Features.Account;

/// <summary>
/// <c>/account/activate?token=…</c>: where the invitation of a new account leads. The person chooses their password
/// (twice, 12 characters at least) on a small server-rendered form protected by an antiforgery token; the link works
/// once, within <see cref="IdentityServerSettings.InvitationHours"/>. After it they sign in as anyone does, and their
/// tokens name their person of the register (<c>person_id</c>).
/// </summary>
public static class Activation
{
    public const string Path = "/account/activate";

    /// <summary>The link the invitation carries: on the identity service's public address (the gateway's).</summary>
    public static string LinkFor(IdentityServerSettings settings, string token) =>
        $"{settings.Issuer!.TrimEnd('/')}{Path}?token={Uri.EscapeDataString(token)}";

    public static IEndpointRouteBuilder MapActivation(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").AllowAnonymous().ExcludeFromDescription();
        account.MapGet("/activate", GetAsync);
        account.MapPost("/activate", PostAsync);
        return app;
    }

    private static async Task<IResult> GetAsync(HttpContext http, IAntiforgery antiforgery, IdentityServiceDbContext db,
        TimeProvider time, string? token, CancellationToken ct) =>
        await FindAsync(db, token, time, ct) is null
            ? Page(http, antiforgery, token: null, Invalid, StatusCodes.Status404NotFound)
            : Page(http, antiforgery, token, error: null, StatusCodes.Status200OK);

    private static async Task<IResult> PostAsync(HttpContext http, IAntiforgery antiforgery, IdentityServiceDbContext db,
        UserManager<PlatformUser> users, TimeProvider time, CancellationToken ct)
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
                detail: "Open the link of your invitation again.");
        }

        var form = await http.Request.ReadFormAsync(ct);
        var token = form["token"].ToString();
        var password = form["password"].ToString();
        var confirmation = form["confirmation"].ToString();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var invitation = await FindAsync(db, token, time, ct, forUpdate: true);
        if (invitation is null)
        {
            return Page(http, antiforgery, token: null, Invalid, StatusCodes.Status404NotFound);
        }

        if (password.Length > 1024 || password != confirmation)
        {
            return Page(http, antiforgery, token, "Les deux mots de passe ne sont pas identiques.", StatusCodes.Status400BadRequest);
        }

        var user = await users.FindByIdAsync(invitation.UserId);
        if (user is null)
        {
            return Page(http, antiforgery, token: null, Invalid, StatusCodes.Status404NotFound);
        }

        var result = await users.HasPasswordAsync(user)
            ? await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), password)
            : await users.AddPasswordAsync(user, password);
        if (!result.Succeeded)
        {
            return Page(http, antiforgery, token,
                "Ce mot de passe ne convient pas : 12 caractères au moins, avec des minuscules, des majuscules et des chiffres.",
                StatusCodes.Status400BadRequest);
        }

        user.EmailConfirmed = true;
        await users.UpdateAsync(user);
        invitation.UsedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Done(http, user.UserName!);
    }

    private const string Invalid = "Ce lien n'est pas (ou plus) valable : il ne sert qu'une fois, pendant un temps limité. Demandez une nouvelle invitation à votre coopérative.";

    private static async Task<AccountInvitation?> FindAsync(IdentityServiceDbContext db, string? token, TimeProvider time,
        CancellationToken ct, bool forUpdate = false)
    {
        if (token is not { Length: >= 20 and <= 100 })
        {
            return null;
        }

        var hash = AccountInvitation.Hash(token);
        var invitation = forUpdate
            ? await db.Invitations.FromSql($"SELECT * FROM account_invitations WHERE token_hash = {hash} FOR UPDATE").SingleOrDefaultAsync(ct)
            : await db.Invitations.AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == hash, ct);
        return invitation is not null && invitation.IsUsable(time.GetUtcNow()) ? invitation : null;
    }

    private static IResult Page(HttpContext http, IAntiforgery antiforgery, string? token, string? error, int status)
    {
        var html = Start("Choisir mon mot de passe");
        if (error is not null)
        {
            html.Append("<p class=\"error\" role=\"alert\">").Append(E(error)).Append("</p>");
        }

        if (token is not null)
        {
            var tokens = antiforgery.GetAndStoreTokens(http);
            html.Append("<form method=\"post\" action=\"").Append(E(http.Request.PathBase + Path)).Append("\">")
                .Append("<input type=\"hidden\" name=\"").Append(E(tokens.FormFieldName)).Append("\" value=\"")
                .Append(E(tokens.RequestToken)).Append("\">")
                .Append("<input type=\"hidden\" name=\"token\" value=\"").Append(E(token)).Append("\">")
                .Append("<label for=\"password\">Mot de passe (12 caractères au moins)</label>")
                .Append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"12\" required>")
                .Append("<label for=\"confirmation\">Le même, encore une fois</label>")
                .Append("<input id=\"confirmation\" name=\"confirmation\" type=\"password\" autocomplete=\"new-password\" minlength=\"12\" required>")
                .Append("<button type=\"submit\">Enregistrer</button></form>");
        }

        return Finish(http, html, status);
    }

    private static IResult Done(HttpContext http, string userName)
    {
        var html = Start("Votre compte est prêt")
            .Append("<p>Votre mot de passe est enregistré. Connectez-vous avec votre adresse <strong>").Append(E(userName))
            .Append("</strong> depuis la plateforme.</p>");
        return Finish(http, html, StatusCodes.Status200OK);
    }

    private static string E(string? value) => WebUtility.HtmlEncode(value ?? "");

    /// <summary>The sign-in page's look (its stylesheet, the site's header, a card): no inline style.</summary>
    private static StringBuilder Start(string title) => new StringBuilder()
        .Append("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">")
        .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>").Append(E(title)).Append(" — Réseau SCOP</title>")
        .Append("<link rel=\"stylesheet\" href=\"/account/login.css\"></head><body>")
        .Append("<header class=\"site-header\"><div class=\"wrap\"><a class=\"brand\" href=\"/\">")
        .Append("<span class=\"brand-mark\" aria-hidden=\"true\">S</span> Réseau SCOP</a></div></header>")
        .Append("<main class=\"wrap\"><div class=\"card\"><h1>").Append(E(title)).Append("</h1>");

    private static IResult Finish(HttpContext http, StringBuilder html, int status)
    {
        html.Append("</div></main></body></html>");
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Frame-Options"] = "DENY";
        // The token is in this page's address: it must not leave in a Referer header.
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
