using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Scop.Aspire.ServiceDefaults.Security;
using StackExchange.Redis;

namespace Scop.Aspire.Gateway.Proxy;

/// <summary>One limit: at most <see cref="PermitLimit"/> requests per <see cref="Window"/>.</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

public sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Every request from one IP address.</summary>
    public RateLimit PerIp { get; set; } = new() { PermitLimit = 600 };

    /// <summary>Every request of one OAuth client (the token's <c>client_id</c>), wherever it comes from.</summary>
    public RateLimit PerClient { get; set; } = new() { PermitLimit = 1200 };
}

/// <summary>
/// Fixed-window rate limits per IP address and per client, counted in Redis so that they hold across every replica
/// of the gateway. One round trip per request counts both. Past a limit the answer is 429 ProblemDetails with
/// <c>Retry-After</c> (the seconds until the window ends). If Redis does not answer, requests pass (and a warning is
/// logged): the limits protect the services, they must not take the platform down with them.
/// </summary>
public sealed partial class RedisRateLimiter(IConnectionMultiplexer redis, IOptionsMonitor<GatewayOptions> options,
    ILogger<RedisRateLimiter> logger)
{
    // For each key: count it, start its window on the first request, answer the count and the window's remaining ms.
    private static readonly LuaScript Script = LuaScript.Prepare("""
        local result = {}
        for i, key in ipairs(KEYS) do
          local count = redis.call('INCR', key)
          if count == 1 then redis.call('PEXPIRE', key, ARGV[i]) end
          local ttl = redis.call('PTTL', key)
          if ttl < 0 then redis.call('PEXPIRE', key, ARGV[i]); ttl = tonumber(ARGV[i]) end
          result[#result + 1] = count
          result[#result + 1] = ttl
        end
        return result
        """);

    public const string KeyPrefix = "scop:gateway:ratelimit:";

    /// <summary>Null when the request may pass; else the time until it may try again.</summary>
    public async Task<(string Limit, TimeSpan RetryAfter)?> CheckAsync(HttpContext context)
    {
        var limits = options.CurrentValue.RateLimits;
        if (!limits.Enabled)
        {
            return null;
        }

        var checks = new List<(string Name, RedisKey Key, RateLimit Limit)>(2);
        var ip = context.Connection.RemoteIpAddress ?? IPAddress.None;
        if (limits.PerIp.PermitLimit > 0)
        {
            checks.Add(("per-ip", KeyPrefix + "ip:" + ip, limits.PerIp));
        }

        if (limits.PerClient.PermitLimit > 0 && context.User.FindFirst(PlatformClaims.ClientId)?.Value is { Length: > 0 } client)
        {
            checks.Add(("per-client", KeyPrefix + "client:" + client, limits.PerClient));
        }

        if (checks.Count == 0)
        {
            return null;
        }

        try
        {
            var keys = checks.Select(c => c.Key).ToArray();
            var windows = checks.Select(c => (RedisValue)(long)c.Limit.Window.TotalMilliseconds).ToArray();
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script.ExecutableScript, keys, windows))!;
            (string, TimeSpan)? refused = null;
            for (var i = 0; i < checks.Count; i++)
            {
                var count = (long)result[2 * i];
                var remaining = TimeSpan.FromMilliseconds(Math.Max(0, (long)result[2 * i + 1]));
                if (count > checks[i].Limit.PermitLimit && (refused is null || remaining > refused.Value.Item2))
                {
                    refused = (checks[i].Name, remaining);
                }
            }

            return refused;
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
    public static IReverseProxyApplicationBuilder UseRateLimits(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.Use(async (context, next) =>
        {
            var refused = await context.RequestServices.GetRequiredService<RedisRateLimiter>().CheckAsync(context);
            if (refused is null)
            {
                await next();
                return;
            }

            var seconds = Math.Max(1, (int)Math.Ceiling(refused.Value.RetryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                detail: $"The {refused.Value.Limit} rate limit is reached; try again in {seconds} s.").ExecuteAsync(context);
        });
        return proxy;
    }
}
