using Scop.Aspire.Testing;
using StackExchange.Redis;

namespace Scop.Aspire.Infrastructure.Tests;

public sealed class RedisFixtureTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Server_answers_a_ping()
    {
        await redis.StartAsync();
        await using var connection = await Connect(redis.ConnectionString);

        Assert.True(redis.IsRunning);
        Assert.True(await connection.GetDatabase().PingAsync() < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Keys_survive_a_restart_and_clients_fail_while_the_server_is_stopped()
    {
        await redis.StartAsync();
        await using (var connection = await Connect(redis.ConnectionString))
        {
            await connection.GetDatabase().StringSetAsync("visits:portal", "500000");
        }

        await redis.RestartAsync();
        Assert.Equal("500000", await Get(redis.ConnectionString, "visits:portal"));

        await redis.StopAsync();
        Assert.False(redis.IsRunning);
        await Assert.ThrowsAsync<RedisConnectionException>(() => Connect(redis.ConnectionString));

        await redis.StartAsync();
        Assert.Equal("500000", await Get(redis.ConnectionString, "visits:portal"));
    }

    private static async Task<string?> Get(string connectionString, string key)
    {
        await using var connection = await Connect(connectionString);
        return await connection.GetDatabase().StringGetAsync(key);
    }

    private static async Task<ConnectionMultiplexer> Connect(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 2000;
        options.ConnectRetry = 0;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }
}

public sealed class FixtureDisposalTests
{
    [Fact]
    public async Task Disposing_a_fixture_stops_its_server_and_deletes_its_folder()
    {
        var redis = new RedisFixture();
        await redis.InitializeAsync();
        var folder = redis.Directory;
        Assert.NotEmpty(ProcessesMentioning(folder));

        await redis.DisposeAsync();

        Assert.Empty(ProcessesMentioning(folder));
        Assert.False(Directory.Exists(folder));
    }

    private static List<string> ProcessesMentioning(string folder)
    {
        var found = new List<string>();
        foreach (var process in Directory.EnumerateDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)))
        {
            try
            {
                // Redis rewrites its command line; its working folder is its data folder.
                var commandLine = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ');
                var workingFolder = new FileInfo(Path.Combine(process, "cwd")).LinkTarget ?? "";
                if (commandLine.Contains(folder, StringComparison.Ordinal) || workingFolder.StartsWith(folder, StringComparison.Ordinal))
                {
                    found.Add($"{Path.GetFileName(process)}: {commandLine}");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the process ended meanwhile
            }
        }

        return found;
    }
}
