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

/// <summary>
/// The development mail server as a container (Mailpit): it accepts every message over SMTP and keeps it, readable in
/// its web page. Clients reach it by <c>smtp://host:port</c>.
/// </summary>
public sealed class MailServerResource(string name) : ContainerResource(name), IResourceWithConnectionString
{
    public const string Image = "axllent/mailpit";
    public const string Tag = "v1.27";
    public const string SmtpEndpoint = "smtp";
    public const int SmtpPort = 1025;
    public const int WebPort = 8025;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"smtp://{new EndpointReference(this, SmtpEndpoint).Property(EndpointProperty.Host)}:{new EndpointReference(this, SmtpEndpoint).Property(EndpointProperty.Port)}");
}
