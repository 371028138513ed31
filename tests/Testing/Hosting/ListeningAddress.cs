using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Scop.Aspire.Testing.Hosting;

public static class ListeningAddress
{
    /// <summary>Where a started Kestrel server listens; asked for port 0, it was given a free one.</summary>
    public static Uri Of(IServiceProvider services)
    {
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("The server reports no address.");
        return new Uri(addresses.First());
    }
}
