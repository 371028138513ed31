using System.Text.Json;
using Xunit;

namespace Scop.Aspire.Testing;

/// <summary>Waits for what the platform does in the background (a consumer, a relay, a worker) by polling, never by sleeping a fixed time.</summary>
public static class Eventually
{
    /// <summary>How long a test waits for background work unless it says otherwise: long enough for a loaded machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Polls <paramref name="probe"/> until <paramref name="check"/> holds or the time is up (real time).</summary>
    public static async Task<T> HoldsAsync<T>(Func<Task<T>> probe, Func<T, bool> check, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        T value;
        while (!check(value = await probe()))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Not within {within.TotalSeconds} s: {what}. Last value: {Describe(value)}");
            }

            await Task.Delay(100);
        }

        return value;
    }

    /// <summary>As <see cref="HoldsAsync{T}(Func{Task{T}}, Func{T, bool}, TimeSpan, string)"/>, within <see cref="Patience"/>.</summary>
    public static Task<T> HoldsAsync<T>(Func<Task<T>> probe, Func<T, bool> check, string what) =>
        HoldsAsync(probe, check, Patience, what);

    public static Task HoldsAsync(Func<bool> check, TimeSpan within, string what) =>
        HoldsAsync(() => Task.FromResult(check()), ok => ok, within, what);

    /// <summary>Polls <paramref name="condition"/> until it holds, within <see cref="Patience"/>.</summary>
    public static Task HoldsAsync(Func<Task<bool>> condition, string what) => HoldsAsync(condition, ok => ok, Patience, what);

    private static string Describe<T>(T value)
    {
        if (value is JsonElement[] items)
        {
            return string.Join("; ", items.Select(i => i.ToString()));
        }

        try
        {
            return JsonSerializer.Serialize(value);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or JsonException)
        {
            return value?.ToString() ?? "null";
        }
    }
}
