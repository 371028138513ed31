using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Scop.Aspire.Portal.Features.Caching;

/// <summary>
/// Public answers (a site's pages, its items, its sitemap, search results) kept in Redis, one hash per site and one for
/// what spans every site (search, the list of sites). A change a writer made is invalidated after its commit and before
/// the writer is answered: the site's generation is incremented and its hash dropped, together with the all-sites hash.
/// An answer computed from the database is stored only if the generation it started under is still current (one
/// script), so a reader that read just before a publication cannot put the old page back afterwards. Every answer
/// carries an ETag (a hash of its body); a client that sends it back in If-None-Match gets a 304.
/// </summary>
public sealed class PortalCache(IConnectionMultiplexer redis, IOptions<JsonOptions> json, IOptions<PortalOptions> options,
    ILogger<PortalCache> logger)
{
    private readonly string prefix = options.Value.RedisPrefix;

    /// <summary>The hash of answers that span every site.</summary>
    public const string AllSites = "*";

    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private const string StoreIfCurrent = """
        if (redis.call('GET', KEYS[2]) or '0') == ARGV[1] then
          redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
          redis.call('EXPIRE', KEYS[1], ARGV[4])
          return 1
        end
        return 0
        """;

    private const string Invalidate = """
        for i = 1, #KEYS, 2 do
          redis.call('INCR', KEYS[i + 1])
          redis.call('DEL', KEYS[i])
        end
        return 1
        """;

    private RedisKey EntriesKey(string scope) => $"{prefix}:cache:{{{scope}}}";

    private RedisKey GenerationKey(string scope) => $"{prefix}:cache:{{{scope}}}:generation";

    /// <summary>A change on the site: its answers, and those across every site, are dropped now.</summary>
    public Task SiteChangedAsync(string slug) => SitesChangedAsync([slug]);

    /// <summary>Several sites changed in one transaction: each site's pages, and the pages of every site once.</summary>
    public Task SitesChangedAsync(IEnumerable<string> slugs) => InvalidateAsync([.. slugs, AllSites]);

    public async Task InvalidateAsync(params string[] scopes)
    {
        var keys = scopes.Distinct().SelectMany(s => new[] { EntriesKey(s), GenerationKey(s) }).ToArray();
        // Keys of different scopes may live on different nodes of a cluster: one script per scope, sent together.
        var db = redis.GetDatabase();
        await Task.WhenAll(keys.Chunk(2).Select(pair => db.ScriptEvaluateAsync(Invalidate, pair)));
    }

    /// <summary>
    /// Answers from the cache when it holds this request's answer, else from <paramref name="produce"/> (stored when it
    /// is a 200); 304 when the client already has it.
    /// </summary>
    public async Task<IResult> ServeAsync(HttpContext http, string scope, Func<Task<IResult>> produce)
    {
        var field = http.Request.Path.Value + http.Request.QueryString.Value;
        var db = redis.GetDatabase();
        RedisValue cached = RedisValue.Null;
        RedisValue generation = RedisValue.Null;
        try
        {
            var batch = db.CreateBatch();
            var entry = batch.HashGetAsync(EntriesKey(scope), field);
            var current = batch.StringGetAsync(GenerationKey(scope));
            batch.Execute();
            cached = await entry;
            generation = await current;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException) // a Redis timeout is no RedisException
        {
            logger.LogWarning(exception, "The page cache did not answer; serving from the database");
        }

        if (cached.HasValue)
        {
            var text = (string)cached!;
            var newline = text.IndexOf('\n');
            var contentType = text[..newline];
            var rest = text[(newline + 1)..];
            var second = rest.IndexOf('\n');
            return Answer(http, contentType, rest[..second], rest[(second + 1)..], hit: true);
        }

        var result = await produce();
        if (result is not IStatusCodeHttpResult { StatusCode: 200 } || result is not IValueHttpResult { Value: { } value })
        {
            return result;
        }

        var (body, type) = value is RawBody raw
            ? (raw.Text, raw.ContentType)
            : (JsonSerializer.Serialize(value, value.GetType(), json.Value.SerializerOptions), "application/json; charset=utf-8");
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)))[..32]}\"";
        try
        {
            await db.ScriptEvaluateAsync(StoreIfCurrent, [EntriesKey(scope), GenerationKey(scope)],
                [generation.HasValue ? generation : "0", field, $"{type}\n{etag}\n{body}", (long)Lifetime.TotalSeconds]);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException) // a Redis timeout is no RedisException
        {
            logger.LogWarning(exception, "The page cache did not keep an answer");
        }

        return Answer(http, type, etag, body, hit: false);
    }

    private static IResult Answer(HttpContext http, string contentType, string etag, string body, bool hit)
    {
        http.Response.Headers.ETag = etag;
        // Public, but asked again every time: a publication must show at once, and a 304 costs little.
        http.Response.Headers.CacheControl = "public, no-cache";
        http.Response.Headers["X-Portal-Cache"] = hit ? "hit" : "miss";
        var ifNoneMatch = http.Request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Length > 0 && ifNoneMatch.Split(',').Any(t => t.Trim() == etag || t.Trim() == "*"))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Text(body, contentType, Encoding.UTF8);
    }
}

/// <summary>A body that is not JSON (a sitemap, an Atom feed), served as it is.</summary>
public sealed record RawBody(string Text, string ContentType);
