using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Scop.Aspire.Testing.Hosting;

namespace Scop.Aspire.Gateway.Tests.Support;

/// <summary>
/// A service behind the gateway, on a real socket, that answers every request after <c>delay</c> and counts what the
/// gateway sends it: the connections, the most requests in progress at once, and the headers of the last request.
/// </summary>
public sealed class SlowService : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HashSet<string> connections = [];
    private int inProgress;

    private SlowService(WebApplication app) => this.app = app;

    public Uri Address { get; private set; } = null!;

    public int MostInProgress { get; private set; }

    /// <summary>The headers of the last request received.</summary>
    public IReadOnlyDictionary<string, string> LastHeaders { get; private set; } = new Dictionary<string, string>();

    public int Connections
    {
        get
        {
            lock (connections)
            {
                return connections.Count;
            }
        }
    }

    public static async Task<SlowService> StartAsync(TimeSpan delay)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var service = new SlowService(builder.Build());
        service.app.Run(async context =>
        {
            lock (service.connections)
            {
                service.connections.Add(context.Connection.Id);
                service.MostInProgress = Math.Max(service.MostInProgress, ++service.inProgress);
                service.LastHeaders = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(),
                    StringComparer.OrdinalIgnoreCase);
            }

            await Task.Delay(delay, context.RequestAborted);
            lock (service.connections)
            {
                service.inProgress--;
            }

            await context.Response.WriteAsync("pong");
        });
        await service.app.StartAsync();
        service.Address = ListeningAddress.Of(service.app.Services);
        return service;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
