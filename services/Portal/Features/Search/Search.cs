using System.Text;
using Npgsql;
using NpgsqlTypes;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.Portal.Features.Caching;
using Scop.Aspire.Portal.Features.Content;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.Portal.Features.Search;

public sealed record SearchHit(string Site, string Kind, string Slug, string Title, string? Extract, string? Region,
    string? Sector, string? Theme, DateTimeOffset PublishedAt, double Rank);

public sealed record FacetCount(string Value, long Count);

public sealed record SearchFacets(IReadOnlyList<FacetCount> Kind, IReadOnlyList<FacetCount> Region, IReadOnlyList<FacetCount> Sector,
    IReadOnlyList<FacetCount> Theme, IReadOnlyList<FacetCount> Site);

/// <summary>A word of the query that the portal does not know, and the known words it searched for as well.</summary>
public sealed record SearchCorrection(string Term, IReadOnlyList<string> Alternatives);

public sealed record SearchResults(string Query, IReadOnlyList<SearchCorrection> Corrections, IReadOnlyList<SearchHit> Items,
    int Page, int PageSize, long TotalCount, SearchFacets Facets);

/// <summary>
/// <c>GET /api/portal/search?q=&amp;site=&amp;kind=&amp;region=&amp;sector=&amp;theme=</c>: French full-text search over
/// every published item of every open site, or of one. PostgreSQL does the work: the <c>scop_french</c> configuration
/// folds accents (unaccent) before the French stemmer, so "coopératives" finds "coopérative" and "cooperatives"; a word
/// of the query that no published item holds is searched together with its nearest known words (trigram similarity,
/// pg_trgm), so a typo still finds; results are ranked with title matches first, then by <c>ts_rank</c> (title, then
/// summary and facts, then body), with extracts whose matches are marked (<c>&lt;mark&gt;</c>, the rest HTML-escaped),
/// and facets (kind, région, sector, theme, site) counted over every match. Answers come from the page cache.
/// </summary>
public static class SearchEndpoint
{
    public const int MaxQueryLength = 200;
    public const int MaxTerms = 8;
    public const int MaxAlternatives = 3;
    private const string MarkStart = "\u2063[[";
    private const string MarkStop = "]]\u2063";

    public static RouteGroupBuilder MapSearch(this RouteGroupBuilder group)
    {
        group.MapGet("/search", HandleAsync).WithName("Search").WithSummary("French full-text search, ranked, with extracts and facets")
            .Produces<SearchResults>().ProducesValidationProblem().AllowAnonymous();
        return group;
    }

    public static Task<IResult> HandleAsync(HttpContext http, NpgsqlDataSource dataSource, PortalCache cache, CancellationToken ct,
        string? q = null, string? site = null, string? kind = null, string? region = null, string? sector = null,
        string? theme = null, int? page = null, int? pageSize = null) =>
        cache.ServeAsync(http, PortalCache.AllSites, async () =>
        {
            var (paging, problem) = PageRequest.From(page, pageSize);
            if (problem is not null)
            {
                return problem;
            }

            var errors = new ValidationErrors();
            var query = errors.RequireText("q", q, MaxQueryLength);
            var terms = SearchLexicon.Terms(query).Distinct().Take(MaxTerms).ToArray();
            if (query.Length > 0 && terms.Length == 0)
            {
                errors.Add("q", "Words to search for (letters or digits).");
            }

            var kindFilter = kind is null ? null : ItemInput.ParseKind(kind);
            if (kind is not null && kindFilter is null)
            {
                errors.Add("kind", $"One of {string.Join(", ", Enum.GetValues<ContentKind>().Select(ItemInput.KindName))}.");
            }

            foreach (var (name, value) in new[] { ("site", site), ("region", region), ("sector", sector), ("theme", theme) })
            {
                if (value is { Length: > ContentItem.MaxFacetLength })
                {
                    errors.Add(name, $"At most {ContentItem.MaxFacetLength} characters.");
                }
            }

            if (!errors.IsValid)
            {
                return TypedResults.ValidationProblem(errors.ToDictionary());
            }

            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var corrections = await CorrectionsAsync(connection, terms, ct);

            // One (term OR its alternatives) group per word, all groups required.
            var parameters = new List<NpgsqlParameter>();
            var groups = new List<string>();
            for (var t = 0; t < terms.Length; t++)
            {
                var words = new[] { terms[t] }.Concat(corrections.GetValueOrDefault(terms[t]) ?? []).ToList();
                groups.Add("(" + string.Join(" || ", words.Select((w, a) =>
                {
                    parameters.Add(new NpgsqlParameter($"w{t}_{a}", w));
                    return $"plainto_tsquery('scop_french', @w{t}_{a})";
                })) + ")");
            }

            var filters = new StringBuilder();
            void Filter(string? value, string column, string name, NpgsqlDbType type = NpgsqlDbType.Text)
            {
                if (value is not null)
                {
                    filters.Append($" AND {column} = @{name}");
                    parameters.Add(new NpgsqlParameter(name, type) { Value = value });
                }
            }

            Filter(site, "s.slug", "site");
            Filter(kindFilter?.ToString(), "i.kind", "kind");
            Filter(region, "i.region", "region");
            Filter(sector, "i.sector", "sector");
            Filter(theme, "i.theme", "theme");
            var matched = $"""
                WITH q AS (SELECT {string.Join(" && ", groups)} AS query),
                matched AS (
                    SELECT i.id, s.slug AS site, i.kind, i.slug, i.title, i.region, i.sector, i.theme, i.published_at,
                           i.body_text, i.summary, i.title_vector @@ q.query AS in_title,
                           ts_rank(i.search_vector, q.query) AS rank, q.query
                    FROM items i JOIN sites s ON s.id = i.site_id, q
                    WHERE i.status = 'Published' AND NOT s.closed AND i.search_vector @@ q.query{filters})
                """;

            await using var batch = new NpgsqlBatch(connection);
            var pageCommand = new NpgsqlBatchCommand($"""
                {matched}
                SELECT site, kind, slug,
                       ts_headline('scop_french', title, query, 'HighlightAll=true, StartSel={MarkStart}, StopSel={MarkStop}'),
                       ts_headline('scop_french', coalesce(summary, '') || ' ' || left(body_text, 20000), query,
                           'MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=" … ", StartSel={MarkStart}, StopSel={MarkStop}'),
                       region, sector, theme, published_at, rank
                FROM (SELECT * FROM matched ORDER BY in_title DESC, rank DESC, published_at DESC, id
                      LIMIT @limit OFFSET @offset) page
                ORDER BY in_title DESC, rank DESC, published_at DESC, id
                """);
            var facetCommand = new NpgsqlBatchCommand($"""
                {matched}
                SELECT CASE WHEN GROUPING(kind) = 0 THEN 'kind' WHEN GROUPING(region) = 0 THEN 'region'
                            WHEN GROUPING(sector) = 0 THEN 'sector' WHEN GROUPING(theme) = 0 THEN 'theme' ELSE 'site' END,
                       coalesce(kind, region, sector, theme, site), count(*)
                FROM matched
                GROUP BY GROUPING SETS ((kind), (region), (sector), (theme), (site))
                """);
            foreach (var command in new[] { pageCommand, facetCommand })
            {
                foreach (var parameter in parameters)
                {
                    command.Parameters.Add(parameter.Clone());
                }

                batch.BatchCommands.Add(command);
            }

            pageCommand.Parameters.AddWithValue("limit", paging.PageSize);
            pageCommand.Parameters.AddWithValue("offset", paging.Skip);

            var hits = new List<SearchHit>();
            var facets = new Dictionary<string, List<FacetCount>>
            {
                ["kind"] = [], ["region"] = [], ["sector"] = [], ["theme"] = [], ["site"] = [],
            };
            await using (var reader = await batch.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    hits.Add(new SearchHit(reader.GetString(0), ItemInput.KindName(Enum.Parse<ContentKind>(reader.GetString(1))),
                        reader.GetString(2), Marked(reader.GetString(3)), Marked(reader.GetString(4).Trim()) is { Length: > 0 } e ? e : null,
                        reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                        reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetFieldValue<DateTimeOffset>(8),
                        Math.Round(reader.GetFloat(9), 6)));
                }

                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    if (!reader.IsDBNull(1))
                    {
                        var facet = reader.GetString(0);
                        var value = reader.GetString(1);
                        facets[facet].Add(new FacetCount(facet == "kind" ? ItemInput.KindName(Enum.Parse<ContentKind>(value)) : value,
                            reader.GetInt64(2)));
                    }
                }
            }

            IReadOnlyList<FacetCount> Sorted(string facet) =>
                facets[facet].OrderByDescending(f => f.Count).ThenBy(f => f.Value, StringComparer.Ordinal).Take(50).ToList();
            var total = facets["kind"].Sum(f => f.Count);
            return TypedResults.Ok(new SearchResults(query,
                corrections.Select(c => new SearchCorrection(c.Key, c.Value)).ToList(), hits, paging.Page, paging.PageSize, total,
                new SearchFacets(Sorted("kind"), Sorted("region"), Sorted("sector"), Sorted("theme"), Sorted("site"))));
        });

    /// <summary>
    /// For each term no published item holds, its nearest known words: trigram similarity over the lexicon, through its
    /// GIN index (the <c>%</c> operator, pg_trgm's default threshold 0.3), the closest three.
    /// </summary>
    private static async Task<Dictionary<string, string[]>> CorrectionsAsync(NpgsqlConnection connection, string[] terms,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT t.term, array_agg(w.word ORDER BY w.similarity DESC, w.word)
            FROM unnest(@terms) AS t(term)
            CROSS JOIN LATERAL (
                SELECT word, similarity(word, t.term) AS similarity FROM search_words
                WHERE word % t.term AND length(t.term) >= 3
                ORDER BY similarity(word, t.term) DESC, word LIMIT @alternatives) w
            WHERE NOT EXISTS (SELECT FROM search_words known WHERE known.word = t.term)
            GROUP BY t.term
            """, connection);
        command.Parameters.AddWithValue("terms", terms);
        command.Parameters.AddWithValue("alternatives", MaxAlternatives);
        var corrections = new Dictionary<string, string[]>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            corrections[reader.GetString(0)] = reader.GetFieldValue<string[]>(1);
        }

        return corrections;
    }

    /// <summary>Extracts are text: escaped for HTML, then the matches marked.</summary>
    private static string Marked(string headline) =>
        Escape(headline).Replace(Escape(MarkStart), "<mark>", StringComparison.Ordinal)
            .Replace(Escape(MarkStop), "</mark>", StringComparison.Ordinal);

    /// <summary>The five characters that mean something in HTML; accents stay as they are.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);
}
