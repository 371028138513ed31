using System.Net.Http;
using System.Net.Sockets;

namespace Scop.Aspire.Testing;

/// <summary>
/// Whether test fixtures run servers in containers or as local processes. <c>SCOP_TEST_INFRASTRUCTURE</c> =
/// <c>containers</c> or <c>local</c> decides; otherwise (unset or <c>auto</c>) containers only when a Docker engine
/// answers a ping (<c>DOCKER_HOST</c>, else /var/run/docker.sock). Decided once per process.
/// </summary>
public static class TestInfrastructure
{
    public const string VariableName = "SCOP_TEST_INFRASTRUCTURE";

    private static readonly Lazy<bool> Decision = new(Decide, LazyThreadSafetyMode.ExecutionAndPublication);

    public static bool UseContainers => Decision.Value;

    /// <summary>"containers" or "local", for logs.</summary>
    public static string Mode => UseContainers ? "containers" : "local";

    private static bool Decide()
    {
        var requested = Environment.GetEnvironmentVariable(VariableName)?.Trim().ToLowerInvariant();
        return requested switch
        {
            "containers" or "container" or "docker" => true,
            "local" => false,
            null or "" or "auto" => DockerEngineAnswers(),
            _ => throw new InvalidOperationException(
                $"{VariableName}='{requested}' is not understood: use 'containers', 'local' or 'auto'."),
        };
    }

    private static bool DockerEngineAnswers()
    {
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        try
        {
            if (string.IsNullOrWhiteSpace(dockerHost))
            {
                return File.Exists("/var/run/docker.sock") && PingUnixSocket("/var/run/docker.sock");
            }

            var uri = new Uri(dockerHost);
            return uri.Scheme switch
            {
                "unix" => PingUnixSocket(uri.LocalPath),
                "tcp" or "http" => PingHttp(new Uri($"http://{uri.Host}:{uri.Port}/_ping"), null),
                // TLS-protected engines need client certificates; an open port is taken as an answer.
                "https" => TcpAnswers(uri.Host, uri.Port),
                _ => false,
            };
        }
        catch (Exception e) when (e is UriFormatException or IOException or HttpRequestException or SocketException or TaskCanceledException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool PingUnixSocket(string path) =>
        PingHttp(new Uri("http://docker/_ping"), async (_, ct) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        });

    private static bool PingHttp(Uri ping, Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? connect)
    {
        using var handler = new SocketsHttpHandler();
        if (connect is not null)
        {
            handler.ConnectCallback = connect;
        }

        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(3) };
        using var response = client.GetAsync(ping).GetAwaiter().GetResult();
        return response.IsSuccessStatusCode;
    }

    private static bool TcpAnswers(string host, int port)
    {
        using var client = new TcpClient();
        return client.ConnectAsync(host, port).Wait(TimeSpan.FromSeconds(3)) && client.Connected;
    }
}
