using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Scop.Aspire.Identity.Features.Connect;

/// <summary>
/// <c>/connect/revoke</c> revokes the token it is given (OpenIddict's own handler); this one then ends the whole
/// authorization the token was issued under (RFC 7009 §2.1): revoking a refresh token also revokes the refresh tokens
/// it was rotated into and from, and revoking an access token ends its grant's refresh tokens. A client signing out
/// revokes once and the session's grant is over.
/// </summary>
public sealed class EndAuthorizationOnRevocation(Sessions sessions) : IOpenIddictServerHandler<HandleRevocationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleRevocationRequestContext>()
            .UseScopedHandler<EndAuthorizationOnRevocation>()
            .SetOrder(OpenIddictServerHandlers.Revocation.RevokeToken.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleRevocationRequestContext context)
    {
        if (context.IsRejected || context.GenericTokenPrincipal?.GetAuthorizationId() is not { Length: > 0 } authorizationId)
        {
            return;
        }

        await sessions.EndAuthorizationAsync(authorizationId, context.CancellationToken);
    }
}
