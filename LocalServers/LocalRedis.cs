using System.Globalization;

namespace Scop.Aspire.LocalServers;

/// <summary>The machine's installed Redis (Debian package <c>redis-server</c>) run as a plain local process.</summary>
public static class LocalRedis
{
    /// <exception cref="MissingServerException">Redis is not installed.</exception>
    public static string FindServer()
    {
        if (Posix.FindOnPath("redis-server") is { } onPath)
        {
            return onPath;
        }

        if (File.Exists("/usr/bin/redis-server"))
        {
            return "/usr/bin/redis-server";
        }

        throw new MissingServerException("Redis server", "PATH and /usr/bin", "sudo apt-get install redis-server");
    }

    /// <summary>
    /// Redis in the foreground on 127.0.0.1:<paramref name="port"/> with its files in <paramref name="dataDirectory"/>
    /// (created here). SIGTERM saves and stops it.
    /// </summary>
    /// <param name="persistent">Append-only file on (data survives a restart); otherwise no persistence at all.</param>
    public static LocalServerCommand Command(string dataDirectory, int port, bool persistent = true)
    {
        var data = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(data);
        List<string> arguments =
        [
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", data,
            "--daemonize", "no",
            "--protected-mode", "no",
            "--logfile", "",
        ];
        arguments.AddRange(persistent ? ["--appendonly", "yes"] : ["--appendonly", "no", "--save", ""]);
        return new LocalServerCommand(FindServer(), arguments, new Dictionary<string, string>(), data);
    }

    public static string ConnectionString(int port) => $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
}
