using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scop.Aspire.Bench;

/// <summary>
/// The machine's own HTTP floor: a bare Kestrel "pong" inside the bench process, driven by the same client and
/// clients. What the gateway path reaches is compared with this: it is the most one HTTP hop does on this box.
/// </summary>
public static class LoopbackFloor
{
    public static async Task<PhaseResult> RunAsync(HttpClient http, int clients, TimeSpan duration, TimeSpan warmup,
        CpuSampler? cpu, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.MapGet("/ping", () => Results.Text("pong"));
        await app.StartAsync(ct);
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
                .Addresses.First();
            var url = new Uri(new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), "/ping").ToString();
            return await HttpLoad.ClosedLoopAsync("loopback-kestrel", clients, duration, warmup,
                token => Requests.PingAsync(http, url, token), cpu, ct);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }
}
