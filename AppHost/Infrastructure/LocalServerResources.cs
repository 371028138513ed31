namespace Scop.Aspire.AppHost.Infrastructure;

/// <summary>A server installed on the machine, run by the AppHost as an executable, that clients reach by connection string.</summary>
public sealed class LocalServerResource(string name, string command, string workingDirectory, ReferenceExpression connectionString)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression { get; } = connectionString;
}

/// <summary>
/// A database inside a local PostgreSQL server. It is ready when its server is; the service that owns it
/// creates it (its migrations do) if it does not exist yet.
/// </summary>
public sealed class LocalDatabaseResource(string name, string databaseName, LocalServerResource server, ReferenceExpression connectionString)
    : Resource(name), IResourceWithParent<LocalServerResource>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;

    public LocalServerResource Parent { get; } = server;

    public ReferenceExpression ConnectionStringExpression { get; } = connectionString;
}
