namespace Scop.Aspire.LocalServers;

/// <summary>A server that local mode needs is not installed on this machine.</summary>
public sealed class MissingServerException : Exception
{
    public MissingServerException(string serverName, string lookedIn, string installCommand)
        : base($"{serverName} not found (looked in {lookedIn}). Install it with: {installCommand}")
    {
        ServerName = serverName;
        InstallCommand = installCommand;
    }

    public string ServerName { get; }

    public string InstallCommand { get; }
}
