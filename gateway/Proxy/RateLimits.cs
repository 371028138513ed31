using System.Globalization;
using Microsoft.Extensions.Options;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;
using StackExchange.Redis;

namespace Scop.Aspire.Gateway.Proxy;

/// <summary>
/// One limit, as a token bucket: at most <see cref="PermitLimit"/> requests at once, refilled at
/// <see cref="PermitLimit"/> per <see cref="Window"/> (one every <c>Window / PermitLimit</c>). 0 turns it off.
/// </summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

public sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>A signed-in person: every request with a valid token of a user (its <c>sub</c>), wherever it comes from.</summary>
    public RateLimit PerSubject { get; set; } = new() { PermitLimit = 600 };

    /// <summary>
    /// A machine client: every request with a valid client-credentials token (its <c>client_id</c>, no user), wherever
    /// it comes from.
    /// </summary>
    public RateLimit PerClient { get; set; } = new() { PermitLimit = 1200 };

    /// <summary>
    /// Every request without a valid token — anonymous routes, and invalid, expired or forged tokens — by client
    /// address: an IPv4 address, or an IPv6 /64.
    /// </summary>
    public RateLimit PerIp { get; set; } = new() { PermitLimit = 600 };

    /// <summary>
    /// <c>/health</c> and <c>/alive</c>, per caller (counted as above) in buckets of their own: each probe of
    /// <c>/health</c> asks every service behind the gateway.
    /// </summary>
    public RateLimit Health { get; set; } = new() { PermitLimit = 60 };

    /// <summary>
    /// Sending a project holder's enquiry to an Ambassade (<c>POST /api/ambassadors/enquiries</c>, anonymous), per caller
    /// (counted as above) in a bucket of its own: a person writes a handful, a spammer thousands — each one lands in an
    /// Ambassade's and its union's lists, with timers behind it, so far fewer pass than of the reads.
    /// </summary>
    public RateLimit Enquiries { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromHours(1) };

    public const string EnquiriesPath = "/api/ambassadors/enquiries";
}

/// <summary>Whom a request is counted against: one bucket, the most specific identity the request proves.</summary>
public readonly record struct RateLimitCaller(string Limit, string Key)
{
    public const string PerSubject = "per-subject";
    public const string PerClient = "per-client";
    public const string PerIp = "per-ip";

    /// <summary>
    /// A valid user token: its subject. A valid client-credentials token (no user: no <c>sub</c>, or the client's own
    /// id as <c>sub</c>, as the identity service issues them): its client. Anything else — no token, or one the gateway
    /// refused, whatever it claims — the client's address block. So only a token the gateway validated counts against a
    /// subject or a client: a forged token naming someone else's <c>sub</c> spends its sender's address allowance,
    /// never that person's.
    /// </summary>
    public static RateLimitCaller Of(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            var subject = user.FindFirst(PlatformClaims.Subject)?.Value;
            var client = user.FindFirst(PlatformClaims.ClientId)?.Value;
            if (!string.IsNullOrEmpty(client) && (string.IsNullOrEmpty(subject) || subject == client))
            {
                return new RateLimitCaller(PerClient, "client:" + client);
            }

            if (!string.IsNullOrEmpty(subject))
            {
                return new RateLimitCaller(PerSubject, "sub:" + subject);
            }
        }

        return new RateLimitCaller(PerIp, "ip:" + NetworkAddresses.Block(context.Connection.RemoteIpAddress));
    }
}

/// <summary>
/// Token buckets in Redis, so that the limits hold across every replica of the gateway: one atomic script per request
/// refills the caller's bucket for the time since its last request and takes one token if there is one. A request is
/// counted against exactly one bucket (<see cref="RateLimitCaller"/>): a signed-in person's requests never spend their
/// address's allowance, so an anonymous flood from a shared address (an office, a carrier's NAT) refuses nobody who is
/// signed in, and a person at their limit leaves their colleagues' allowance alone. A refused request takes nothing,
/// so a client retrying while refused is served as soon as a token is back. The time is the gateway's clock (replicas
/// keep theirs in step; a bucket never refills backwards). If Redis is not connected or does not answer within
/// <see cref="RedisPatience"/>, requests pass (and a warning is logged): the limits protect the services, they must
/// not take the platform down with them.
/// </summary>
public sealed partial class RedisRateLimiter(IConnectionMultiplexer redis, IOptionsMonitor<GatewayOptions> options,
    [FromKeyedServices(RedisRateLimiter.ClockKey)] TimeProvider clock, ILogger<RedisRateLimiter> logger)
{
    /// <summary>The limiter's own clock, apart from the gateway's, so that a test can move it without moving timeouts.</summary>
    public const string ClockKey = "rate-limits";

    public const string KeyPrefix = "scop:gateway:ratelimit:";

    /// <summary>How long a request waits for its bucket at most; then it passes, as when Redis does not answer.</summary>
    public static readonly TimeSpan RedisPatience = TimeSpan.FromSeconds(2);

    // ARGV: capacity, window (ms to refill a whole bucket), now (ms). Answers {1, 0} when a token was taken, else
    // {0, ms until one is back}. The key lives until a whole bucket would have refilled: then it is full, as a new one.
    private static readonly string Script = """
        local capacity = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local now = tonumber(ARGV[3])
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(state[1])
        local at = tonumber(state[2])
        if tokens == nil or at == nil then
          tokens = capacity
          at = now
        elseif now > at then
          tokens = math.min(capacity, tokens + (now - at) * capacity / window)
          at = now
        end
        local taken = 0
        local wait = 0
        if tokens >= 1 then
          tokens = tokens - 1
          taken = 1
        else
          wait = math.ceil((1 - tokens) * window / capacity)
        end
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
        redis.call('PEXPIRE', KEYS[1], math.ceil(window) + 1000)
        return { taken, wait }
        """;

    /// <summary>Null when the request may pass; else the limit it met and the time until it may try again.</summary>
    public async Task<(string Limit, TimeSpan RetryAfter)?> TryTakeAsync(HttpContext context)
    {
        var limits = options.CurrentValue.RateLimits;
        if (!limits.Enabled)
        {
            return null;
        }

        var caller = RateLimitCaller.Of(context);
        var (name, limit, key) = HealthEndpoints.IsProbe(context.Request.Path)
            ? ("health", limits.Health, "health:" + caller.Key)
            : HttpMethods.IsPost(context.Request.Method)
                && context.Request.Path.Equals(RateLimitOptions.EnquiriesPath, StringComparison.OrdinalIgnoreCase)
                ? ("enquiries", limits.Enquiries, "enquiries:" + caller.Key)
            : (caller.Limit, caller.Limit switch
            {
                RateLimitCaller.PerSubject => limits.PerSubject,
                RateLimitCaller.PerClient => limits.PerClient,
                _ => limits.PerIp,
            }, caller.Key);
        if (limit.PermitLimit <= 0)
        {
            return null;
        }

        if (limit.Window <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{GatewayOptions.Section}:RateLimits: the {name} window must be longer than 0.");
        }

        // Redis away (restarting, say) holds no request up: its commands would wait in the connection's backlog until it is
        // back or the command times out (5 s), every request of the platform with them.
        if (!redis.IsConnected)
        {
            LogRedisUnavailable(logger, "not connected");
            return null;
        }

        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, [KeyPrefix + key],
                    [limit.PermitLimit, (long)Math.Ceiling(limit.Window.TotalMilliseconds), clock.GetUtcNow().ToUnixTimeMilliseconds()])
                .WaitAsync(RedisPatience))!;
            return (long)result[0] == 1 ? null : (name, TimeSpan.FromMilliseconds((long)result[1]));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogRedisUnavailable(logger, exception.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limits not applied: Redis did not answer ({Reason})")]
    private static partial void LogRedisUnavailable(ILogger logger, string reason);
}

public static class RateLimits
{
    public static IHostApplicationBuilder AddRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddKeyedSingleton(RedisRateLimiter.ClockKey, (services, _) => services.GetRequiredService<TimeProvider>());
        builder.Services.AddSingleton<RedisRateLimiter>();
        return builder;
    }

    /// <summary>
    /// Every request to the gateway — forwarded or its own (<c>/health</c>, <c>/docs</c>) — after its token was checked
    /// (the bucket depends on it). Past the limit: 429 ProblemDetails with <c>Retry-After</c> in seconds.
    /// </summary>
    public static IApplicationBuilder UseRateLimits(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var refused = await context.RequestServices.GetRequiredService<RedisRateLimiter>().TryTakeAsync(context);
            if (refused is null)
            {
                await next(context);
                return;
            }

            var seconds = Math.Max(1, (int)Math.Ceiling(refused.Value.RetryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                detail: $"The {refused.Value.Limit} rate limit is reached; try again in {seconds} s.").ExecuteAsync(context);
        });
}
