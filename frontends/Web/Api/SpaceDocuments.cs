using Microsoft.AspNetCore.Components.Authorization;
using Scop.Aspire.Web.Api.Portal;
using Scop.Aspire.Web.Session;

namespace Scop.Aspire.Web.Api;

/// <summary>
/// A collaborative space's documents go through the front-end, because the browser holds no token: a download
/// (<c>GET /espace/documents/{id}</c>) streams the portal's answer with the session's token, for members only as the
/// portal decides; an upload (<c>POST /espace/groupes/{id}/documents</c>, a multipart form with its antiforgery token)
/// sends the file's bytes, whose type the portal reads from the content, and returns to the space's page saying how it went.
/// </summary>
public static class SpaceDocuments
{
    /// <summary>The portal refuses more than 1 MiB; the front-end reads no more than that and a little.</summary>
    public const long MaxUploadBytes = 1024 * 1024 + 1;

    public static IEndpointRouteBuilder MapSpaceDocuments(this IEndpointRouteBuilder app)
    {
        app.MapGet("/espace/documents/{id:guid}", DownloadAsync).RequireAuthorization(WebPolicies.SignedIn);
        // A form of the site's pages only: its antiforgery token is checked before the file is read.
        app.MapPost("/espace/groupes/{id:guid}/documents", UploadAsync).RequireAuthorization(WebPolicies.SignedIn)
            .WithMetadata(new Microsoft.AspNetCore.Antiforgery.RequireAntiforgeryTokenAttribute());
        return app;
    }

    private static async Task<IResult> DownloadAsync(Guid id, HttpContext http, IHttpClientFactory clients, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/portal/documents/{id}");
        await SessionOf(http).AuthorizeAsync(request, ct);
        var client = clients.CreateClient(nameof(PortalClient));
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            // Not a member, or no such document: the same « Page introuvable » as any unknown address.
            return Results.StatusCode(status == 403 ? 404 : status);
        }

        http.Response.RegisterForDispose(response);
        var fileName = response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"');
        return Results.Stream(await response.Content.ReadAsStreamAsync(ct),
            response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream", fileName);
    }

    private static async Task<IResult> UploadAsync(Guid id, HttpContext http, IHttpClientFactory clients, CancellationToken ct)
    {
        var back = $"/espace/groupes/{id}";
        var form = await http.Request.ReadFormAsync(ct);
        var file = form.Files.GetFile("document");
        if (file is null || file.Length == 0)
        {
            return Results.Redirect($"{back}?document=vide#documents");
        }

        if (file.Length > MaxUploadBytes)
        {
            return Results.Redirect($"{back}?document=trop-gros#documents");
        }

        // The file's bytes as the body, with the type the browser declares: the portal checks it against the content.
        // (The generated client would send the bytes as a JSON string.) The form's own key: the same file sent twice,
        // by a double click, is stored once.
        var key = Guid.TryParseExact(form["key"], "N", out var formKey) ? formKey : Guid.NewGuid();
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"api/portal/spaces/{id}/documents?name={Uri.EscapeDataString(Path.GetFileName(file.FileName))}")
        {
            Content = new ByteArrayContent(buffer.ToArray()),
        };
        request.Content.Headers.ContentType = new(string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType);
        request.Headers.Add("Idempotency-Key", $"document-{key:N}");
        await SessionOf(http).AuthorizeAsync(request, ct);
        using var response = await clients.CreateClient(nameof(PortalClient)).SendAsync(request, ct);
        return (int)response.StatusCode switch
        {
            201 or 200 => Results.Redirect($"{back}?document=ajoute#documents"),
            403 or 404 => Results.NotFound(),
            >= 400 and < 500 => Results.Redirect($"{back}?document=refuse#documents"),
            var status => Results.StatusCode(status),
        };
    }

    /// <summary>The session of the request, for the API clients: outside a page, the authentication state is set from the request.</summary>
    private static ApiSession SessionOf(HttpContext http)
    {
        var provider = http.RequestServices.GetRequiredService<AuthenticationStateProvider>();
        if (provider is IHostEnvironmentAuthenticationStateProvider host)
        {
            host.SetAuthenticationState(Task.FromResult(new AuthenticationState(http.User)));
        }

        return http.RequestServices.GetRequiredService<ApiSession>();
    }
}
