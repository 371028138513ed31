using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;
using NpgsqlTypes;

namespace Scop.Aspire.Portal.Features.Search;

/// <summary>
/// The published items' words in memory, so a search the page cache has not seen costs a few milliseconds instead of a
/// ranking pass over every match in PostgreSQL (a common word matches most of the portal: ranking and counting the
/// facets of 20,000 rows there took 100 to 300 ms). PostgreSQL stays the source: its <c>scop_french</c> configuration
/// makes each item's lexemes (<c>search_vector</c>: title weighted A, summary and facts B, body C) and each query
/// word's, and this index only keeps, per lexeme, the items holding it with a score. Before each search it reads what
/// changed since its last look (<c>items.search_changed</c>, the id of the transaction that last wrote the row), so a
/// search sees every publication acknowledged before it began, in every replica.
/// <para>
/// Score of a lexeme in an item: log(1 + the sum of its occurrences' weights: title 1, summary and facts 0.4, body
/// 0.2); an item's rank is the sum over the query's words. A changed item takes a new slot at the end (every posting
/// list stays sorted by slot, so matching is a merge) and its old slot is dead until the lists are compacted.
/// </para>
/// </summary>
/// <param name="compactAfterDeadSlots">How many dead slots the lists carry before they are compacted (a pass over
/// every list: tens of milliseconds for the demo's 50,000 items).</param>
public sealed class SearchIndex(NpgsqlDataSource dataSource, ILogger<SearchIndex> logger, int compactAfterDeadSlots = 20_000)
{
    private const float TitleWeight = 1f, LeadWeight = 0.4f, BodyWeight = 0.2f, OtherWeight = 0.1f;

    private readonly SemaphoreSlim refreshGate = new(1, 1);
    private readonly ReaderWriterLockSlim content = new();
    private readonly Dictionary<string, PostingList> postings = new(StringComparer.Ordinal);
    private readonly List<Document> documents = [];
    private readonly List<bool> live = [];
    private readonly Dictionary<Guid, (int Slot, ulong Version)> items = [];
    private readonly FacetValues sites = new(), kinds = new(), regions = new(), sectors = new(), themes = new();
    private ulong changedSince;
    private int deadSlots;
    private long refreshesStarted;
    private long refreshesCompleted;

    /// <summary>
    /// Reads the changes committed since the last look. Concurrent searches share one read: a search waits for a read
    /// that began after it arrived, and needs no other.
    /// </summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        var startedBeforeArrival = Interlocked.Read(ref refreshesStarted);
        await refreshGate.WaitAsync(ct);
        try
        {
            if (Interlocked.Read(ref refreshesCompleted) > startedBeforeArrival)
            {
                return;
            }

            Interlocked.Increment(ref refreshesStarted);
            await ReadChangesAsync(ct);
            Interlocked.Increment(ref refreshesCompleted);
        }
        finally
        {
            refreshGate.Release();
        }
    }

    private async Task ReadChangesAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection)
        {
            // Every transaction older than the snapshot's xmin has ended; one still running writes a higher id.
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT pg_snapshot_xmin(pg_current_snapshot())::text"),
                new NpgsqlBatchCommand(
                    """
                    SELECT i.id, i.search_changed::text, i.status = 'Published' AND NOT s.closed, s.slug, i.kind, i.region,
                           i.sector, i.theme, i.published_at, CASE WHEN i.status = 'Published' AND NOT s.closed THEN i.search_vector END
                    FROM items i JOIN sites s ON s.id = i.site_id
                    WHERE i.search_changed >= @since::text::xid8
                    """) { Parameters = { new NpgsqlParameter("since", changedSince.ToString(CultureInfo.InvariantCulture)) } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var nextSince = ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture);
        await reader.NextResultAsync(ct);
        var changes = new List<Change>();
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetGuid(0);
            var version = ulong.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
            if (Applied(id, version))
            {
                continue;
            }

            changes.Add(reader.GetBoolean(2)
                ? new Change(id, version, new Searchable(reader.GetString(3), reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetFieldValue<DateTimeOffset>(8),
                    reader.GetFieldValue<NpgsqlTsVector>(9)))
                : new Change(id, version, null));
        }

        if (changes.Count > 0)
        {
            content.EnterWriteLock();
            try
            {
                foreach (var change in changes)
                {
                    Apply(change);
                }

                if (deadSlots >= compactAfterDeadSlots)
                {
                    Compact();
                }
            }
            finally
            {
                content.ExitWriteLock();
            }

            logger.LogDebug("Search index: {Changes} item changes read, {Items} items searchable", changes.Count, documents.Count - deadSlots);
        }

        changedSince = nextSince;
    }

    /// <summary>Read without the lock: only the refresh, one at a time, writes <see cref="items"/>.</summary>
    private bool Applied(Guid id, ulong version) => items.TryGetValue(id, out var known) && known.Version == version;

    private void Apply(Change change)
    {
        if (items.TryGetValue(change.Id, out var previous) && previous.Slot >= 0)
        {
            live[previous.Slot] = false;
            deadSlots++;
        }

        if (change.Item is not { } item)
        {
            items[change.Id] = (-1, change.Version);
            return;
        }

        var slot = documents.Count;
        documents.Add(new Document(change.Id, sites.Id(item.Site), kinds.Id(item.Kind), regions.Id(item.Region),
            sectors.Id(item.Sector), themes.Id(item.Theme), item.PublishedAt));
        live.Add(true);
        items[change.Id] = (slot, change.Version);
        foreach (var lexeme in item.Vector)
        {
            var sum = 0f;
            var inTitle = false;
            for (var p = 0; p < lexeme.Count; p++)
            {
                var weight = lexeme[p].Weight;
                inTitle |= weight == NpgsqlTsVector.Lexeme.Weight.A;
                sum += weight switch
                {
                    NpgsqlTsVector.Lexeme.Weight.A => TitleWeight,
                    NpgsqlTsVector.Lexeme.Weight.B => LeadWeight,
                    NpgsqlTsVector.Lexeme.Weight.C => BodyWeight,
                    _ => OtherWeight,
                };
            }

            if (!postings.TryGetValue(lexeme.Text, out var list))
            {
                postings[lexeme.Text] = list = new PostingList();
            }

            list.Add(new Match(slot, MathF.Log(1 + Math.Max(sum, OtherWeight)), inTitle));
        }
    }

    /// <summary>Drops the dead slots; numbering stays in the same order, so every list stays sorted.</summary>
    private void Compact()
    {
        var newSlot = new int[documents.Count];
        var kept = 0;
        for (var slot = 0; slot < documents.Count; slot++)
        {
            newSlot[slot] = live[slot] ? kept++ : -1;
        }

        foreach (var (lexeme, list) in postings.ToList())
        {
            var compacted = new PostingList();
            foreach (var posting in list.Span)
            {
                if (newSlot[posting.Slot] >= 0)
                {
                    compacted.Add(posting with { Slot = newSlot[posting.Slot] });
                }
            }

            if (compacted.Length == 0)
            {
                postings.Remove(lexeme);
            }
            else
            {
                postings[lexeme] = compacted;
            }
        }

        var liveDocuments = documents.Where((_, slot) => live[slot]).ToList();
        documents.Clear();
        documents.AddRange(liveDocuments);
        live.Clear();
        live.AddRange(Enumerable.Repeat(true, documents.Count));
        foreach (var (id, known) in items.ToList())
        {
            items[id] = (known.Slot >= 0 ? newSlot[known.Slot] : -1, known.Version);
        }

        deadSlots = 0;
    }

    /// <summary>Whether some published item holds the lexeme (or did, until the lists are next compacted).</summary>
    public bool Holds(string lexeme)
    {
        content.EnterReadLock();
        try
        {
            return postings.ContainsKey(lexeme);
        }
        finally
        {
            content.ExitReadLock();
        }
    }

    /// <summary>
    /// The items matching every word of <paramref name="query"/> (a word: any of its alternatives; an alternative: all
    /// its lexemes) and the filters: their count, the facets over all of them, and the page, title matches first, then
    /// by rank, newest first, by id.
    /// </summary>
    public IndexResults Search(IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> query, IndexFilters filters, int skip, int take)
    {
        content.EnterReadLock();
        try
        {
            var words = query.Select(alternatives => alternatives.Where(a => a.Count > 0).ToList()).Where(a => a.Count > 0).ToList();
            if (words.Count == 0)
            {
                return IndexResults.None;
            }

            var matched = Word(words[0]);
            foreach (var word in words.Skip(1))
            {
                matched = And(matched, Word(word));
            }

            using (matched)
            {
                return Rank(matched, filters, skip, take);
            }
        }
        finally
        {
            content.ExitReadLock();
        }
    }

    private IndexResults Rank(Matches matched, IndexFilters filters, int skip, int take)
    {
        int? site = sites.Find(filters.Site), kind = kinds.Find(filters.Kind), region = regions.Find(filters.Region),
            sector = sectors.Find(filters.Sector), theme = themes.Find(filters.Theme);
        if (site == -1 || kind == -1 || region == -1 || sector == -1 || theme == -1)
        {
            return IndexResults.None;
        }

        var counts = new[] { new long[kinds.Count], new long[regions.Count], new long[sectors.Count], new long[themes.Count], new long[sites.Count] };
        var keep = (int)Math.Min((long)skip + take, matched.Length);
        var order = new WorstFirst(documents);
        var best = new PriorityQueue<Match, Match>(keep + 1, order);
        var total = 0L;
        var documentAt = CollectionsMarshal.AsSpan(documents);
        var liveAt = CollectionsMarshal.AsSpan(live);
        foreach (var match in matched.Span)
        {
            ref readonly var document = ref documentAt[match.Slot];
            if (!liveAt[match.Slot] || (site is { } s && document.Site != s) || (kind is { } k && document.Kind != k)
                || (region is { } r && document.Region != r) || (sector is { } c && document.Sector != c)
                || (theme is { } t && document.Theme != t))
            {
                continue;
            }

            total++;
            Count(counts[0], document.Kind);
            Count(counts[1], document.Region);
            Count(counts[2], document.Sector);
            Count(counts[3], document.Theme);
            Count(counts[4], document.Site);
            if (best.Count < keep)
            {
                best.Enqueue(match, match);
            }
            else if (keep > 0 && order.Compare(match, best.Peek()) > 0)
            {
                best.EnqueueDequeue(match, match);
            }
        }

        var page = new List<(Guid, double)>(best.Count);
        while (best.Count > 0)
        {
            var match = best.Dequeue();
            page.Add((documents[match.Slot].Id, match.Score));
        }

        page.Reverse();
        return new IndexResults(total, page.Skip(skip).ToList(), new Dictionary<string, IReadOnlyList<(string, long)>>
        {
            ["kind"] = kinds.Counted(counts[0]), ["region"] = regions.Counted(counts[1]), ["sector"] = sectors.Counted(counts[2]),
            ["theme"] = themes.Counted(counts[3]), ["site"] = sites.Counted(counts[4]),
        });
    }

    private static void Count(long[] counts, int value)
    {
        if (value >= 0)
        {
            counts[value]++;
        }
    }

    /// <summary>A word matches where any of its alternatives does; its score, the best of theirs.</summary>
    private Matches Word(List<IReadOnlyList<string>> alternatives)
    {
        var matched = Alternative(alternatives[0]);
        foreach (var alternative in alternatives.Skip(1))
        {
            matched = Or(matched, Alternative(alternative));
        }

        return matched;
    }

    private Matches Alternative(IReadOnlyList<string> lexemes)
    {
        var matched = Lexeme(lexemes[0]);
        foreach (var lexeme in lexemes.Skip(1))
        {
            matched = And(matched, Lexeme(lexeme));
        }

        return matched;
    }

    private Matches Lexeme(string lexeme)
    {
        return postings.TryGetValue(lexeme, out var list) ? Matches.Borrow(list) : Matches.Rent(0);
    }

    private static Matches And(Matches left, Matches right)
    {
        using (left)
        using (right)
        {
            var result = Matches.Rent(Math.Min(left.Length, right.Length));
            ReadOnlySpan<Match> a = left.Span, b = right.Span;
            int i = 0, j = 0;
            while (i < a.Length && j < b.Length)
            {
                if (a[i].Slot < b[j].Slot)
                {
                    i++;
                }
                else if (a[i].Slot > b[j].Slot)
                {
                    j++;
                }
                else
                {
                    result.Add(new Match(a[i].Slot, a[i].Score + b[j].Score, a[i].InTitle && b[j].InTitle));
                    i++;
                    j++;
                }
            }

            return result;
        }
    }

    private static Matches Or(Matches left, Matches right)
    {
        using (left)
        using (right)
        {
            var result = Matches.Rent(left.Length + right.Length);
            ReadOnlySpan<Match> a = left.Span, b = right.Span;
            int i = 0, j = 0;
            while (i < a.Length || j < b.Length)
            {
                if (j == b.Length || (i < a.Length && a[i].Slot < b[j].Slot))
                {
                    result.Add(a[i++]);
                }
                else if (i == a.Length || b[j].Slot < a[i].Slot)
                {
                    result.Add(b[j++]);
                }
                else
                {
                    result.Add(new Match(a[i].Slot, Math.Max(a[i].Score, b[j].Score), a[i].InTitle || b[j].InTitle));
                    i++;
                    j++;
                }
            }

            return result;
        }
    }

    /// <summary>An item holding a lexeme (a posting), or matching a query: its slot, score, and whether in the title.</summary>
    private readonly record struct Match(int Slot, float Score, bool InTitle);

    /// <summary>A lexeme's items, by slot: appended to under the write lock, read in place under the read lock.</summary>
    private sealed class PostingList
    {
        private Match[] items = new Match[4];

        public int Length { get; private set; }

        public Match[] Items => items;

        public ReadOnlySpan<Match> Span => items.AsSpan(0, Length);

        public void Add(Match match)
        {
            if (Length == items.Length)
            {
                Array.Resize(ref items, items.Length * 2);
            }

            items[Length++] = match;
        }
    }

    private readonly record struct Document(Guid Id, int Site, int Kind, int Region, int Sector, int Theme, DateTimeOffset PublishedAt);

    private sealed record Searchable(string Site, string Kind, string? Region, string? Sector, string? Theme,
        DateTimeOffset PublishedAt, NpgsqlTsVector Vector);

    /// <summary>An item as it now is: searchable (published on an open site) with its lexemes, or not (null).</summary>
    private sealed record Change(Guid Id, ulong Version, Searchable? Item);

    /// <summary>Orders matches worst first (the heap's top is the one to drop): not in the title, lower rank, older, higher id.</summary>
    private sealed class WorstFirst(List<Document> documents) : IComparer<Match>
    {
        public int Compare(Match x, Match y)
        {
            var order = x.InTitle.CompareTo(y.InTitle);
            if (order == 0)
            {
                order = x.Score.CompareTo(y.Score);
            }

            if (order != 0)
            {
                return order;
            }

            var at = CollectionsMarshal.AsSpan(documents);
            order = at[x.Slot].PublishedAt.CompareTo(at[y.Slot].PublishedAt);
            return order != 0 ? order : at[y.Slot].Id.CompareTo(at[x.Slot].Id);
        }
    }

    /// <summary>A facet's values, each numbered once, so counting a match is an array increment.</summary>
    private sealed class FacetValues
    {
        private readonly Dictionary<string, int> ids = new(StringComparer.Ordinal);
        private readonly List<string> values = [];

        public int Count => values.Count;

        public int Id(string? value)
        {
            if (value is null)
            {
                return -1;
            }

            if (!ids.TryGetValue(value, out var id))
            {
                ids[value] = id = values.Count;
                values.Add(value);
            }

            return id;
        }

        /// <summary>Null when there is no filter; -1 when no item has the value.</summary>
        public int? Find(string? value) => value is null ? null : ids.GetValueOrDefault(value, -1);

        public IReadOnlyList<(string, long)> Counted(long[] counts) =>
            counts.Select((count, id) => (values[id], count)).Where(c => c.count > 0).ToList();
    }

    /// <summary>
    /// A run of matches sorted by slot: a lexeme's posting list read in place, or a pooled buffer (a common word's run is
    /// tens of thousands long).
    /// </summary>
    private sealed class Matches : IDisposable
    {
        private Match[] buffer = [];
        private bool pooled;

        public int Length { get; private set; }

        public ReadOnlySpan<Match> Span => buffer.AsSpan(0, Length);

        public static Matches Rent(int capacity) =>
            new() { buffer = ArrayPool<Match>.Shared.Rent(Math.Max(capacity, 1)), pooled = true };

        public static Matches Borrow(PostingList list) => new() { buffer = list.Items, Length = list.Length };

        public void Add(Match match) => buffer[Length++] = match;

        public void Dispose()
        {
            if (pooled)
            {
                ArrayPool<Match>.Shared.Return(buffer);
            }

            buffer = [];
            Length = 0;
        }
    }
}

public sealed record IndexFilters(string? Site, string? Kind, string? Region, string? Sector, string? Theme);

/// <summary>The matches' count, the page's item ids with their rank, and each facet's values with their counts.</summary>
public sealed record IndexResults(long Total, IReadOnlyList<(Guid Id, double Rank)> Page,
    IReadOnlyDictionary<string, IReadOnlyList<(string Value, long Count)>> Facets)
{
    public static readonly IndexResults None = new(0, [], new Dictionary<string, IReadOnlyList<(string, long)>>
    {
        ["kind"] = [], ["region"] = [], ["sector"] = [], ["theme"] = [], ["site"] = [],
    });
}
