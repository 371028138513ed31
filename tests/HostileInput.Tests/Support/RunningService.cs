using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scop.Aspire.Testing;

namespace Scop.Aspire.HostileInput.Tests.Support;

/// <summary>A service under test, running in process on the real servers; its entry point is known only at run time.</summary>
public interface IRunningService : IAsyncDisposable
{
    DeclaredService Declared { get; }

    IServiceProvider Services { get; }

    /// <summary>Whether the service owns a database, whose tables the run then watches.</summary>
    bool HasDatabase { get; }

    string DatabaseConnectionString { get; }

    /// <summary>What the service logged at Error or above: the exception behind a 500.</summary>
    IReadOnlyCollection<string> Errors { get; }

    /// <summary>A client that follows no redirect and keeps no cookie unless told: every answer is seen as it is.</summary>
    HttpClient CreateClient(TimeSpan timeout, bool cookies = false);
}

public static class RunningService
{
    /// <summary>Starts the service's own Program (found by its assembly's entry point) on a new database of its own.</summary>
    public static async Task<IRunningService> StartAsync(DeclaredService declared, PlatformServers servers, string dataRoot)
    {
        System.Reflection.Assembly assembly;
        try
        {
            assembly = System.Reflection.Assembly.Load(declared.AssemblyName);
        }
        catch (FileNotFoundException)
        {
            throw new InvalidOperationException(
                $"The AppHost runs {declared.Name} ({declared.ProjectPath}), which this test project does not reference: "
                + "add its folder to the ProjectReference patterns of Scop.Aspire.HostileInput.Tests.csproj.");
        }

        var entryPoint = assembly.EntryPoint?.DeclaringType
            ?? throw new InvalidOperationException($"{declared.AssemblyName} has no entry point.");
        var database = declared.DatabaseConnectionName is null ? null : await servers.Postgres.CreateDatabaseAsync();
        var type = typeof(RunningService<>).MakeGenericType(entryPoint);
        var service = (IRunningService)Activator.CreateInstance(type, declared, database, servers, dataRoot)!;
        try
        {
            // On a task of its own: what a host sets in async-local state at start (MassTransit's log context) stays with it.
            await Task.Run(((IStartable)service).Start);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    internal interface IStartable
    {
        void Start();
    }
}

public sealed class RunningService<TEntryPoint>(DeclaredService declared, string? database, PlatformServers servers, string dataRoot)
    : ServiceApp<TEntryPoint>(declared.DatabaseConnectionName ?? NoDatabase, database ?? "", servers), IRunningService, RunningService.IStartable
    where TEntryPoint : class
{
    /// <summary>The connection-string name given to a service that owns no database (nothing reads it).</summary>
    private const string NoDatabase = "no-database";

    private readonly ErrorLog errors = new();

    public bool HasDatabase => Declared.DatabaseConnectionName is not null;

    public DeclaredService Declared { get; } = declared;

    public IReadOnlyCollection<string> Errors => errors.Entries;

    public void Start() => StartServer();

    public HttpClient CreateClient(TimeSpan timeout, bool cookies = false)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = cookies });
        client.Timeout = timeout;
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Scop:DataRoot", dataRoot);
        builder.ConfigureTestServices(services => services.AddSingleton<ILoggerProvider>(errors));
    }
}
