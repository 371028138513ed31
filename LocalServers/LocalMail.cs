using System.Globalization;

namespace Scop.Aspire.LocalServers;

/// <summary>
/// The machine's installed Exim (Debian package <c>exim4-daemon-light</c>) run as a plain local mail server: it accepts
/// every message sent to it over SMTP on 127.0.0.1 and delivers it, whatever the recipient, to one Maildir in its own
/// folder, where developers and tests read it (<see cref="MaildirOf"/>). Nothing is relayed anywhere. Development and
/// tests only; elsewhere the platform sends through the SMTP relay its configuration names.
/// <para>
/// Exim reads only the configuration written here (<c>-C</c>), which keeps its spool, its logs, its pid file and the
/// mail under the one folder. Given a configuration of its own, Exim gives up root itself; when this process is root
/// it is started as the unprivileged <c>Debian-exim</c> account from the start, like PostgreSQL under <c>postgres</c>.
/// </para>
/// </summary>
public static class LocalMail
{
    /// <summary>The account the Debian package creates for Exim.</summary>
    public const string DebianAccount = "Debian-exim";

    /// <exception cref="MissingServerException">Exim is not installed.</exception>
    public static string FindServer()
    {
        foreach (var name in new[] { "exim4", "exim" })
        {
            if (Posix.FindOnPath(name) is { } onPath)
            {
                return onPath;
            }

            if (File.Exists($"/usr/sbin/{name}"))
            {
                return $"/usr/sbin/{name}";
            }
        }

        throw new MissingServerException("Mail server (Exim)", "PATH and /usr/sbin", "sudo apt-get install exim4-daemon-light");
    }

    /// <summary>The account Exim runs as: <see cref="DebianAccount"/> when this process is root, else null (this user).</summary>
    public static string? RunAsAccount() => Posix.IsRoot ? DebianAccount : null;

    /// <summary>Where every message the server accepted is delivered (a Maildir: <c>new/</c> holds one file per message).</summary>
    public static string MaildirOf(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), "maildir");

    /// <summary>Messages the server takes over one connection before it answers 421 and closes it, as relays do.</summary>
    public const int DefaultMessagesPerConnection = 1000;

    /// <summary>
    /// Creates the folders (spool, log, maildir) and writes the configuration for <paramref name="port"/>. Idempotent;
    /// keeps the mail already delivered and the messages still queued.
    /// </summary>
    public static void EnsureInitialized(string dataDirectory, int port, int messagesPerConnection = DefaultMessagesPerConnection)
    {
        var data = Path.GetFullPath(dataDirectory);
        foreach (var folder in new[] { "spool", "log", "maildir", "maildir/new", "maildir/cur", "maildir/tmp" })
        {
            Directory.CreateDirectory(Path.Combine(data, folder));
        }

        var (user, group) = Owner();
        File.WriteAllText(ConfigurationFile(data), Configuration(data, port, user, group, messagesPerConnection));
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // Readable by everyone: developers and tests read the mailbox whoever runs the server.
        const UnixFileMode open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                  UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
                                  UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(data, open);
        if (RunAsAccount() is { } account)
        {
            var (exitCode, output) = Posix.Run("chown", ["-R", $"{account}:", data]);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"Could not give {data} to the '{account}' account: {output}");
            }

            if (Posix.Run("runuser", ["-u", account, "--", "test", "-w", data]).ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"The mail server runs as the unprivileged '{account}' account, which cannot reach {data}: choose a folder every user can traverse, or allow traversal (chmod o+x) of its parents.");
            }
        }
    }

    /// <summary>
    /// Exim in the foreground, listening on 127.0.0.1:<paramref name="port"/>. Run <see cref="EnsureInitialized"/>
    /// first. SIGTERM stops it; a message it accepted is on its spool and delivered at the next start.
    /// </summary>
    public static LocalServerCommand Command(string dataDirectory, int port)
    {
        var data = Path.GetFullPath(dataDirectory);
        // -bdf: the listening daemon, in the foreground; -q1s: a queue run every second, which delivers what was accepted
        // (queue_only in the configuration) and what had to wait.
        List<string> arguments = ["-C", ConfigurationFile(data), "-bdf", "-q1s"];
        var server = FindServer();
        var (fileName, all) = RunAsAccount() is { } account && Posix.FindOnPath("setpriv") is { } setpriv
            ? (setpriv, (IReadOnlyList<string>)["--reuid", account, "--regid", account, "--init-groups", "--", server, .. arguments])
            : (server, arguments);
        return new LocalServerCommand(fileName, all, new Dictionary<string, string>(), data);
    }

    /// <summary>How the services reach the server: <c>smtp://127.0.0.1:port</c>.</summary>
    public static string ConnectionString(int port) => $"smtp://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";

    private static string ConfigurationFile(string data) => Path.Combine(data, "exim.conf");

    private static (string User, string Group) Owner()
    {
        if (RunAsAccount() is { } account)
        {
            return (account, account);
        }

        var user = Posix.Run("id", ["-un"]);
        var group = Posix.Run("id", ["-gn"]);
        return (user.Output.Trim(), group.Output.Trim());
    }

    /// <summary>
    /// Accept everything from this machine, deliver everything to one Maildir. A message is only queued when it is
    /// received and the queue runner started every second delivers it: delivering each one at once forked a delivery
    /// process per message inside the SMTP dialogue, and the server accepted 9 to 14 messages a second over one
    /// connection on a busy machine, against 46 queued (so an e-mail reaches the Maildir within about a second).
    /// No DNS look-ups, no TLS, no ident. Like a relay, it takes so many messages over one connection and then answers
    /// 421 and closes it (Exim's own default, 1000): a sender keeping connections open must open another.
    /// </summary>
    private static string Configuration(string data, int port, string user, string group, int messagesPerConnection) => $"""
        # Written by the platform (LocalServers/LocalMail.cs) at every start: changes here are overwritten.
        primary_hostname = scop.localhost
        exim_user = {user}
        exim_group = {group}
        never_users =
        keep_environment =
        spool_directory = {data}/spool
        log_file_path = {data}/log/%slog
        pid_file_path = {data}/exim.pid
        local_interfaces = 127.0.0.1
        daemon_smtp_ports = {port.ToString(CultureInfo.InvariantCulture)}
        host_lookup =
        rfc1413_hosts =
        tls_advertise_hosts =
        smtp_accept_max = 100
        smtp_accept_queue_per_connection = 0
        smtp_accept_max_per_connection = {messagesPerConnection.ToString(CultureInfo.InvariantCulture)}
        queue_only = true
        message_size_limit = 10M
        acl_smtp_rcpt = accept_everything
        acl_smtp_data = accept_everything

        begin acl

        accept_everything:
          accept

        begin routers

        everyone:
          driver = accept
          transport = maildir

        begin transports

        maildir:
          driver = appendfile
          directory = {data}/maildir
          maildir_format = true
          create_directory = true
          envelope_to_add = true
          return_path_add = true
          user = {user}
          group = {group}
          mode = 0644
          directory_mode = 0755

        """;
}
