using System.Xml;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Features.Caching;

namespace Scop.Aspire.Portal.Features.Feed;

/// <summary>
/// <c>GET /api/portal/feed.atom?kind=&amp;region=&amp;sector=</c>: the watch feed as an Atom 1.0 document (RFC 4287), the
/// 50 newest entries under the filter, for any feed reader; served from the page cache (the feed changes with every
/// publication and every cooperative that joins, which drop it).
/// </summary>
public static class AtomFeed
{
    public const int Entries = 50;

    public static IEndpointRouteBuilder MapAtomFeed(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/portal/feed.atom", HandleAsync).WithTags("Feed").WithName("GetAtomFeed")
            .WithSummary("The watch feed as Atom, filtered").Produces<string>(200, "application/atom+xml").ProducesValidationProblem()
            .AllowAnonymous(); // public: a feed reader subscribes without an account
        return app;
    }

    public static Task<IResult> HandleAsync(HttpContext http, PortalDbContext db, PortalCache cache, IOptions<PortalOptions> options,
        CancellationToken ct, string? kind = null, string? region = null, string? sector = null) =>
        cache.ServeAsync(http, PortalCache.AllSites, async () =>
        {
            if (WatchFilter.Problem(kind, region, sector) is { } problem)
            {
                return problem;
            }

            var items = await WatchFilter.Apply(db.FeedItems.AsNoTracking(), kind, region, sector)
                .OrderByDescending(i => i.OccurredAt).ThenByDescending(i => i.Id).Take(Entries).ToListAsync(ct);
            var origin = options.Value.PublicOrigin.TrimEnd('/');
            var query = WatchFilter.Query(kind, region, sector);
            var self = $"{origin}/api/portal/feed.atom{(query.Length > 0 ? "?" + query : "")}";
            using var text = new StringWriter();
            using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false }))
            {
                const string ns = "http://www.w3.org/2005/Atom";
                xml.WriteStartElement("feed", ns);
                xml.WriteElementString("title", ns, "Veille stratégique du mouvement SCOP" + (query.Length > 0 ? $" ({query})" : ""));
                xml.WriteElementString("id", ns, self);
                xml.WriteElementString("updated", ns, XmlConvert.ToString(
                    (items.Count > 0 ? items[0].OccurredAt : DateTimeOffset.UnixEpoch).UtcDateTime, XmlDateTimeSerializationMode.Utc));
                xml.WriteStartElement("link", ns);
                xml.WriteAttributeString("rel", "self");
                xml.WriteAttributeString("href", self);
                xml.WriteEndElement();
                xml.WriteStartElement("author", ns);
                xml.WriteElementString("name", ns, "Confédération générale des SCOP");
                xml.WriteEndElement();
                foreach (var item in items)
                {
                    xml.WriteStartElement("entry", ns);
                    xml.WriteElementString("id", ns, $"urn:uuid:{item.Id}");
                    xml.WriteElementString("title", ns, item.Title);
                    xml.WriteElementString("updated", ns, XmlConvert.ToString(item.OccurredAt.UtcDateTime, XmlDateTimeSerializationMode.Utc));
                    xml.WriteStartElement("category", ns);
                    xml.WriteAttributeString("term", item.Kind);
                    xml.WriteEndElement();
                    if (item.Link is not null)
                    {
                        xml.WriteStartElement("link", ns);
                        xml.WriteAttributeString("href", origin + item.Link);
                        xml.WriteEndElement();
                    }

                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
            }

            return TypedResults.Ok(new RawBody(text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal),
                "application/atom+xml; charset=utf-8"));
        });
}
