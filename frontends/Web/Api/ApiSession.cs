using System.Net.Http.Headers;
using Microsoft.AspNetCore.Components.Authorization;
using Scop.Aspire.Web.Session;

namespace Scop.Aspire.Web.Api;

/// <summary>
/// Who the API calls of this page or circuit are made for: the signed-in person's session, whose access token goes
/// with every call (refreshed when needed), or nobody for the public pages.
/// </summary>
public sealed class ApiSession(AuthenticationStateProvider authentication, SessionTokens tokens)
{
    /// <summary>Adds the session's bearer token to the request; a request of an anonymous visitor goes without.</summary>
    public async Task AuthorizeAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        if (state.User.Identity?.IsAuthenticated != true)
        {
            return;
        }

        var session = state.User.FindFirst(SessionStore.SessionClaim)?.Value;
        var token = session is null ? null : await tokens.AccessTokenAsync(session, ct);
        if (token is null)
        {
            throw new SessionEndedException();
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }
}

/// <summary>The person's session ended at the identity service (signed out elsewhere, revoked, or past its 12 hours).</summary>
public sealed class SessionEndedException() : Exception("The session has ended; sign in again.");

/// <summary>
/// The base of every generated API client: each request is created here, with the session's token, and asks for
/// French. A creating POST's <c>Idempotency-Key</c> is a parameter of its operation in the documents: the pages pass
/// their form's key, the same when the person submits the same form again.
/// </summary>
public abstract class ApiClientBase(ApiSession session)
{
    protected async Task<HttpRequestMessage> CreateHttpRequestMessageAsync(CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage();
        await session.AuthorizeAsync(request, cancellationToken);
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("fr-FR"));
        return request;
    }
}
