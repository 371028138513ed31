using System.Net;
using System.Net.Sockets;

namespace Scop.Aspire.LocalServers;

/// <summary>Free TCP ports on 127.0.0.1, never the same one twice in one process.</summary>
public static class FreePorts
{
    private static readonly HashSet<int> Handed = [];
    private static readonly Lock Gate = new();

    public static int Next()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Handed.Add(port))
                {
                    return port;
                }
            }

            throw new InvalidOperationException("No free TCP port found on 127.0.0.1.");
        }
    }

    /// <summary>True when something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static bool IsListening(int port, string host = "127.0.0.1")
    {
        try
        {
            using var client = new TcpClient();
            var connect = client.ConnectAsync(host, port);
            return connect.Wait(TimeSpan.FromSeconds(1)) && client.Connected;
        }
        catch (Exception e) when (e is SocketException or AggregateException)
        {
            return false;
        }
    }

    /// <summary>Waits until something listens on 127.0.0.1:<paramref name="port"/>; false if nothing did within <paramref name="limit"/>.</summary>
    public static async Task<bool> WaitUntilListeningAsync(int port, TimeSpan limit, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!IsListening(port))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(50, ct);
        }

        return true;
    }
}
