using System.Collections.Concurrent;
using Npgsql;

namespace Scop.Aspire.Portal.Features.Search;

/// <summary>
/// The lexemes PostgreSQL's <c>scop_french</c> configuration makes of a folded word (a stem, none for a stop word),
/// asked once per word and kept: the configuration does not change, and the search asks for the same words again and
/// again (the query's, and the words of the extracts it marks).
/// </summary>
public sealed class FrenchLexemes(NpgsqlDataSource dataSource)
{
    /// <summary>Enough for every word of the demo's portal many times over; past it, the words are asked again.</summary>
    private const int MaxWords = 500_000;

    private readonly ConcurrentDictionary<string, string[]> known = new(StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<string, string[]>> OfAsync(IEnumerable<string> words, CancellationToken ct)
    {
        var distinct = words.Distinct(StringComparer.Ordinal).ToList();
        var missing = distinct.Where(w => !known.ContainsKey(w)).ToArray();
        var found = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (missing.Length > 0)
        {
            if (known.Count + missing.Length > MaxWords)
            {
                known.Clear();
            }

            await using var command = dataSource.CreateCommand(
                "SELECT w, array(SELECT lexeme FROM unnest(to_tsvector('scop_french', w)) ORDER BY lexeme) FROM unnest(@words) AS t(w)");
            command.Parameters.AddWithValue("words", missing);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                found[reader.GetString(0)] = known[reader.GetString(0)] = reader.GetFieldValue<string[]>(1);
            }
        }

        foreach (var word in distinct)
        {
            if (!found.ContainsKey(word))
            {
                found[word] = known.TryGetValue(word, out var lexemes) ? lexemes : [];
            }
        }

        return found;
    }
}
