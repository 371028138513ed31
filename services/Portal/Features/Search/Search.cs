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
    private const int MinCorrectedLength = 3;

    /// <summary>How much of a hit's summary and body its extract is taken from.</summary>
    private const int ExtractSourceLength = 20_000;

    public static RouteGroupBuilder MapSearch(this RouteGroupBuilder group)
    {
        group.MapGet("/search", HandleAsync).WithName("Search").WithSummary("French full-text search, ranked, with extracts and facets")
            .Produces<SearchResults>().ProducesValidationProblem().AllowAnonymous();
        return group;
    }

    public static Task<IResult> HandleAsync(HttpContext http, NpgsqlDataSource dataSource, SearchIndex index, FrenchLexemes lexemes,
        PortalCache cache, CancellationToken ct,
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
            var termLexemes = await lexemes.OfAsync(terms, ct);
            var unknown = terms.Where(t => t.Length >= MinCorrectedLength && termLexemes[t].Length > 0 && !termLexemes[t].All(index.Holds))
                .ToArray();
            var alternatives = await AlternativesAsync(dataSource, unknown, ct);
            var alternativeLexemes = await lexemes.OfAsync(alternatives.Values.SelectMany(a => a), ct);
            // Per term, the lexemes of each word searched for it: the term itself, then its alternatives.
            var words = terms.Select(t => (IReadOnlyList<IReadOnlyList<string>>)new[] { termLexemes[t] }
                .Concat(alternatives.GetValueOrDefault(t, []).Select(a => alternativeLexemes[a])).ToList()).ToList();

            var found = index.Search(words, new IndexFilters(site, kindFilter?.ToString(), region, sector, theme), paging.Skip,
                paging.PageSize);
            var hits = await PageAsync(dataSource, lexemes, words.SelectMany(w => w.SelectMany(l => l)).ToHashSet(StringComparer.Ordinal),
                found.Page, ct);

            IReadOnlyList<FacetCount> Sorted(string facet) =>
                found.Facets[facet].Select(f => new FacetCount(facet == "kind" ? ItemInput.KindName(Enum.Parse<ContentKind>(f.Value)) : f.Value, f.Count))
                    .OrderByDescending(f => f.Count).ThenBy(f => f.Value, StringComparer.Ordinal).Take(50).ToList();
            var corrections = alternatives.Where(a => a.Value.Length > 0).Select(a => new SearchCorrection(a.Key, a.Value)).ToList();
            return TypedResults.Ok(new SearchResults(query, corrections, hits, paging.Page, paging.PageSize, found.Total,
                new SearchFacets(Sorted("kind"), Sorted("region"), Sorted("sector"), Sorted("theme"), Sorted("site"))));
        });

    /// <summary>
    /// For each term no published item holds, its nearest known words: trigram similarity over the lexicon, through its
    /// GIN index (the <c>%</c> operator, pg_trgm's default threshold 0.3), the closest three.
    /// </summary>
    private static async Task<Dictionary<string, string[]>> AlternativesAsync(NpgsqlDataSource dataSource, string[] terms,
        CancellationToken ct)
    {
        var alternatives = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (terms.Length == 0)
        {
            return alternatives;
        }

        await using var command = dataSource.CreateCommand(
            """
            SELECT t.term, array_agg(w.word ORDER BY w.similarity DESC, w.word)
            FROM unnest(@terms) AS t(term)
            CROSS JOIN LATERAL (
                SELECT word, similarity(word, t.term) AS similarity FROM search_words
                WHERE word % t.term AND word <> t.term
                ORDER BY similarity(word, t.term) DESC, word LIMIT @alternatives) w
            GROUP BY t.term
            """);
        command.Parameters.AddWithValue("terms", terms);
        command.Parameters.AddWithValue("alternatives", MaxAlternatives);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            alternatives[reader.GetString(0)] = reader.GetFieldValue<string[]>(1);
        }

        return alternatives;
    }

    /// <summary>
    /// The page's items, in the index's order, their title and extract marked (<see cref="Extracts"/>). One unpublished
    /// since the index looked is left out.
    /// </summary>
    private static async Task<List<SearchHit>> PageAsync(NpgsqlDataSource dataSource, FrenchLexemes lexemes,
        IReadOnlySet<string> queryLexemes, IReadOnlyList<(Guid Id, double Rank)> page, CancellationToken ct)
    {
        if (page.Count == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand(
            $"""
            SELECT i.id, s.slug, i.kind, i.slug, i.title, concat_ws(' ', i.summary, left(i.body_text, {ExtractSourceLength})),
                   i.region, i.sector, i.theme, i.published_at
            FROM items i JOIN sites s ON s.id = i.site_id
            WHERE i.id = ANY(@ids) AND i.status = 'Published' AND NOT s.closed
            """);
        command.Parameters.AddWithValue("ids", page.Select(p => p.Id).ToArray());
        var rows = new Dictionary<Guid, (SearchHit Hit, List<Extracts.Token> TitleWords, string Text, List<Extracts.Token> TextWords)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var (title, text) = (reader.GetString(4), reader.GetString(5));
                rows[reader.GetGuid(0)] = (new SearchHit(reader.GetString(1), ItemInput.KindName(Enum.Parse<ContentKind>(reader.GetString(2))),
                    reader.GetString(3), title, null, reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                    reader.GetFieldValue<DateTimeOffset>(9), 0), Extracts.Tokens(title), text, Extracts.Tokens(text));
            }
        }

        var wordLexemes = await lexemes.OfAsync(rows.Values.SelectMany(r => r.TitleWords.Concat(r.TextWords)).Select(t => t.Folded), ct);
        var marked = wordLexemes.Where(w => w.Value.Any(queryLexemes.Contains)).Select(w => w.Key).ToHashSet(StringComparer.Ordinal);
        return page.Where(p => rows.ContainsKey(p.Id)).Select(p =>
        {
            var row = rows[p.Id];
            return row.Hit with
            {
                Title = Extracts.Title(row.Hit.Title, row.TitleWords, marked),
                Extract = Extracts.Extract(row.Text, row.TextWords, marked),
                Rank = Math.Round(p.Rank, 6),
            };
        }).ToList();
    }
}
