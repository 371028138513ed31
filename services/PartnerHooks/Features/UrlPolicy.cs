using System.Net;
using Scop.Aspire.PartnerHooks.Sending;
using Scop.Aspire.PartnerHooks.Domain;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.PartnerHooks.Features;

/// <summary>
/// What an endpoint URL must be: absolute http(s), https outside Development, no credentials or fragment, and — when
/// private destinations are blocked — not an obviously internal host. (The definitive check runs on every connection,
/// after DNS resolution: see <see cref="DestinationGuard"/>.)
/// </summary>
public sealed class UrlPolicy(bool requireHttps, bool blockPrivateDestinations)
{
    public bool RequireHttps { get; } = requireHttps;

    public string Validate(string field, string? value, ValidationErrors errors)
    {
        var text = errors.RequireText(field, value, WebhookEndpoint.MaxUrlLength);
        if (text.Length == 0 || text.Length > WebhookEndpoint.MaxUrlLength)
        {
            return text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add(field, "An absolute http or https URL.");
            return text;
        }

        if (RequireHttps && uri.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add(field, "Must be https.");
        }

        if (uri.UserInfo.Length > 0)
        {
            errors.Add(field, "Must not carry credentials.");
        }

        if (uri.Fragment.Length > 0)
        {
            errors.Add(field, "Must not have a fragment.");
        }

        if (blockPrivateDestinations)
        {
            var host = uri.IdnHost.Trim('[', ']');
            if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(field, "Must be a public host, not localhost.");
            }
            else if (IPAddress.TryParse(host, out var address) && DestinationGuard.WhyForbidden(address) is { } why)
            {
                errors.Add(field, $"Must be a public address; {address} is {why}.");
            }
        }

        return uri.AbsoluteUri;
    }
}
