using Npgsql;
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
/// every published item of every open site, or of one. The <c>scop_french</c> configuration of PostgreSQL folds accents
/// (unaccent) before the French stemmer, so "coopératives" finds "coopérative" and "cooperatives"; a word of the query
/// that no published item holds is searched together with its nearest known words (trigram similarity, pg_trgm), so a
/// typo still finds. The matching, ranking (title matches first) and facet counts over every match are done by the
/// <see cref="SearchIndex"/> in memory; PostgreSQL then marks the page's extracts (<c>&lt;mark&gt;</c>, the rest
/// HTML-escaped). Answers come from the page cache.
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

    public static Task<IResult> HandleAsync(HttpContext http, NpgsqlDataSource dataSource, SearchIndex index, PortalCache cache,
        CancellationToken ct,
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

            await index.RefreshAsync(ct);
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var words = await WordsAsync(connection, terms, ct);
            var found = index.Search(terms.Select(t => (IReadOnlyList<IReadOnlyList<string>>)words[t].Select(w => w.Lexemes).ToList()).ToList(),
                new IndexFilters(site, kindFilter?.ToString(), region, sector, theme), paging.Skip, paging.PageSize);
            var hits = await PageAsync(connection, terms.Select(t => words[t].Select(w => w.Word).ToList()).ToList(), found.Page, ct);

            IReadOnlyList<FacetCount> Sorted(string facet) =>
                found.Facets[facet].Select(f => new FacetCount(facet == "kind" ? ItemInput.KindName(Enum.Parse<ContentKind>(f.Value)) : f.Value, f.Count))
                    .OrderByDescending(f => f.Count).ThenBy(f => f.Value, StringComparer.Ordinal).Take(50).ToList();
            var corrections = terms.Where(t => words[t].Count > 1)
                .Select(t => new SearchCorrection(t, words[t].Where(w => w.Word != t).Select(w => w.Word).ToList())).ToList();
            return TypedResults.Ok(new SearchResults(query, corrections, hits, paging.Page, paging.PageSize, found.Total,
                new SearchFacets(Sorted("kind"), Sorted("region"), Sorted("sector"), Sorted("theme"), Sorted("site"))));
        });

    private sealed record SearchWord(string Word, IReadOnlyList<string> Lexemes);

    /// <summary>
    /// Each term's words to search for, with their lexemes as the <c>scop_french</c> configuration makes them: the term
    /// itself, and for a term no published item holds, its nearest known words — trigram similarity over the lexicon,
    /// through its GIN index (the <c>%</c> operator, pg_trgm's default threshold 0.3), the closest three.
    /// </summary>
    private static async Task<Dictionary<string, List<SearchWord>>> WordsAsync(NpgsqlConnection connection, string[] terms,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            WITH terms AS (SELECT term FROM unnest(@terms) AS t(term)),
            alternatives AS (
                SELECT t.term, w.word, w.similarity FROM terms t
                CROSS JOIN LATERAL (
                    SELECT word, similarity(word, t.term) AS similarity FROM search_words
                    WHERE word % t.term AND length(t.term) >= 3
                    ORDER BY similarity(word, t.term) DESC, word LIMIT @alternatives) w
                WHERE NOT EXISTS (SELECT FROM search_words known WHERE known.word = t.term))
            SELECT term, word, lexemes FROM (
                SELECT term, term AS word, 2::real AS similarity FROM terms
                UNION ALL
                SELECT term, word, similarity FROM alternatives) words
            CROSS JOIN LATERAL (SELECT array(SELECT lexeme FROM unnest(to_tsvector('scop_french', word)) ORDER BY lexeme) AS lexemes) l
            ORDER BY term, similarity DESC, word
            """, connection);
        command.Parameters.AddWithValue("terms", terms);
        command.Parameters.AddWithValue("alternatives", MaxAlternatives);
        var words = terms.ToDictionary(t => t, _ => new List<SearchWord>(), StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            words[reader.GetString(0)].Add(new SearchWord(reader.GetString(1), reader.GetFieldValue<string[]>(2)));
        }

        return words;
    }

    /// <summary>
    /// The page's items, in the index's order, with their title and an extract whose matches PostgreSQL marks
    /// (<c>ts_headline</c> over the query the words make). One unpublished since the index looked is left out.
    /// </summary>
    private static async Task<List<SearchHit>> PageAsync(NpgsqlConnection connection, List<List<string>> words,
        IReadOnlyList<(Guid Id, double Rank)> page, CancellationToken ct)
    {
        if (page.Count == 0)
        {
            return [];
        }

        // One (term OR its alternatives) group per word, all groups required.
        await using var command = new NpgsqlCommand { Connection = connection };
        var groups = words.Select((alternatives, t) => "(" + string.Join(" || ", alternatives.Select((w, a) =>
        {
            command.Parameters.AddWithValue($"w{t}_{a}", w);
            return $"plainto_tsquery('scop_french', @w{t}_{a})";
        })) + ")");
        command.CommandText = $"""
            WITH q AS (SELECT {string.Join(" && ", groups)} AS query)
            SELECT i.id, s.slug, i.kind, i.slug,
                   ts_headline('scop_french', i.title, q.query, 'HighlightAll=true, StartSel={MarkStart}, StopSel={MarkStop}'),
                   ts_headline('scop_french', coalesce(i.summary, '') || ' ' || left(i.body_text, 20000), q.query,
                       'MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=" … ", StartSel={MarkStart}, StopSel={MarkStop}'),
                   i.region, i.sector, i.theme, i.published_at
            FROM items i JOIN sites s ON s.id = i.site_id, q
            WHERE i.id = ANY(@ids) AND i.status = 'Published' AND NOT s.closed
            """;
        command.Parameters.AddWithValue("ids", page.Select(p => p.Id).ToArray());
        var hits = new Dictionary<Guid, SearchHit>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetGuid(0);
            hits[id] = new SearchHit(reader.GetString(1), ItemInput.KindName(Enum.Parse<ContentKind>(reader.GetString(2))),
                reader.GetString(3), Marked(reader.GetString(4)), Marked(reader.GetString(5).Trim()) is { Length: > 0 } e ? e : null,
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetFieldValue<DateTimeOffset>(9), 0);
        }

        return page.Where(p => hits.ContainsKey(p.Id)).Select(p => hits[p.Id] with { Rank = Math.Round(p.Rank, 6) }).ToList();
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
