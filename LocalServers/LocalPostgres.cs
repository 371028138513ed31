using System.Globalization;

namespace Scop.Aspire.LocalServers;

/// <summary>
/// The machine's installed PostgreSQL (Debian package <c>postgresql</c>) run as a plain local process.
/// Development and tests only: it trusts every local connection and listens on 127.0.0.1 only.
/// </summary>
public static class LocalPostgres
{
    /// <summary>The superuser created by <see cref="EnsureInitialized"/>; no password (trust authentication).</summary>
    public const string UserName = "scop";

    /// <summary>The unprivileged account created when the Debian <c>postgres</c> account does not exist.</summary>
    public const string FallbackAccount = "scop-postgres";

    private const string PackageRoot = "/usr/lib/postgresql";

    /// <summary>Where a container runs PostgreSQL: PostGIS' image, the same major version as Debian 12's server plus the extension.</summary>
    public const string PostGisImage = "postgis/postgis";

    public const string PostGisImageTag = "15-3.3";

    /// <summary>The bin folder of the highest installed PostgreSQL version.</summary>
    /// <exception cref="MissingServerException">No PostgreSQL server is installed.</exception>
    public static string FindBinDirectory()
    {
        if (Directory.Exists(PackageRoot))
        {
            var best = Directory.EnumerateDirectories(PackageRoot)
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: ParseVersion(Path.GetFileName(d))))
                .Where(c => c.Version is not null && File.Exists(Path.Combine(c.Directory, "postgres")) && File.Exists(Path.Combine(c.Directory, "initdb")))
                .OrderByDescending(c => c.Version)
                .FirstOrDefault();
            if (best.Directory is not null)
            {
                return best.Directory;
            }
        }

        if (Posix.FindOnPath("pg_config") is { } pgConfig)
        {
            var (exitCode, output) = Posix.Run(pgConfig, ["--bindir"]);
            var directory = output.Trim();
            if (exitCode == 0 && File.Exists(Path.Combine(directory, "postgres")) && File.Exists(Path.Combine(directory, "initdb")))
            {
                return directory;
            }
        }

        throw new MissingServerException(
            "PostgreSQL server",
            $"{PackageRoot}/*/bin and pg_config --bindir",
            "sudo apt-get install postgresql");
    }

    /// <summary>
    /// Checks that PostGIS is installed for the server <see cref="FindBinDirectory"/> runs (the Ambassades' geography
    /// needs it): Debian's <c>postgresql-N-postgis-3</c> for major version N.
    /// </summary>
    /// <exception cref="MissingServerException">PostGIS is not installed for that version.</exception>
    public static void EnsurePostGis()
    {
        var binDirectory = FindBinDirectory();
        var (exitCode, output) = File.Exists(Path.Combine(binDirectory, "pg_config"))
            ? Posix.Run(Path.Combine(binDirectory, "pg_config"), ["--sharedir"])
            : (1, "");
        var version = Path.GetFileName(Path.GetDirectoryName(binDirectory.TrimEnd('/'))) ?? "15";
        var shareDirectory = exitCode == 0 ? output.Trim() : $"/usr/share/postgresql/{version}";
        var control = Path.Combine(shareDirectory, "extension", "postgis.control");
        if (!File.Exists(control))
        {
            throw new MissingServerException("PostGIS", control, $"sudo apt-get install postgresql-{version}-postgis-3");
        }
    }

    /// <summary>
    /// The account PostgreSQL runs as: null when this process is not root (it runs as the current user);
    /// when root, <c>postgres</c> (from the Debian package) or else <see cref="FallbackAccount"/>, created on demand.
    /// </summary>
    public static string? RunAsAccount()
    {
        if (!Posix.IsRoot)
        {
            return null;
        }

        if (AccountExists("postgres"))
        {
            return "postgres";
        }

        if (!AccountExists(FallbackAccount))
        {
            var (exitCode, output) = Posix.Run(
                "useradd",
                ["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", FallbackAccount]);
            if (exitCode != 0 && !AccountExists(FallbackAccount))
            {
                throw new InvalidOperationException(
                    $"PostgreSQL refuses to run as root and there is no 'postgres' account; creating the system user '{FallbackAccount}' failed: {output}");
            }
        }

        return FallbackAccount;
    }

    /// <summary>The folder of PostgreSQL's Unix socket: beside the data folder, or /tmp when that path would be too long.</summary>
    public static string SocketDirectory(string dataDirectory)
    {
        var full = Path.GetFullPath(dataDirectory);
        var parent = Path.GetDirectoryName(full.TrimEnd('/'));
        if (parent is null)
        {
            return "/tmp";
        }

        var candidate = Path.Combine(parent, "pg-sockets");

        // A Unix socket path holds at most 107 bytes; the file is ".s.PGSQL.<port>" (+ ".lock").
        return candidate.Length + "/.s.PGSQL.65535.lock".Length <= 100 ? candidate : "/tmp";
    }

    /// <summary>True when <paramref name="dataDirectory"/> holds an initialized cluster.</summary>
    public static bool IsInitialized(string dataDirectory) => File.Exists(Path.Combine(dataDirectory, "PG_VERSION"));

    /// <summary>
    /// Creates the cluster in <paramref name="dataDirectory"/> unless it exists (idempotent): UTF8, locale C.UTF-8 (or C),
    /// superuser <see cref="UserName"/>, trust authentication. As root, the folder is given to <see cref="RunAsAccount"/>
    /// and initdb runs as that account. Also creates the socket folder.
    /// </summary>
    /// <param name="forTests">Skip fsync during initdb (faster; a crash right after could lose the new cluster).</param>
    public static void EnsureInitialized(string dataDirectory, bool forTests = false)
    {
        var binDirectory = FindBinDirectory();
        var data = Path.GetFullPath(dataDirectory);
        var account = RunAsAccount();

        Directory.CreateDirectory(data);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var sockets = SocketDirectory(data);
        if (sockets != "/tmp")
        {
            Directory.CreateDirectory(sockets);
        }

        if (account is not null)
        {
            Chown(account, data, recursive: !IsInitialized(data));
            if (sockets != "/tmp")
            {
                Chown(account, sockets, recursive: false);
            }

            EnsureReachable(account, data);
        }

        if (IsInitialized(data))
        {
            return;
        }

        List<string> arguments =
        [
            "-D", data,
            "-U", UserName,
            "-E", "UTF8",
            $"--locale={PickLocale()}",
            "--auth=trust",
            "--no-instructions",
        ];
        if (forTests)
        {
            arguments.Add("--no-sync");
        }

        var command = AsAccount(account, Path.Combine(binDirectory, "initdb"), arguments);
        var (exitCode, output) = Posix.Run(command.FileName, command.Arguments, TimeSpan.FromMinutes(5));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"initdb failed for {data} (exit code {exitCode}):{Environment.NewLine}{output}");
        }
    }

    /// <summary>
    /// The server settings the platform runs with, wherever PostgreSQL runs (here, or in a container):
    /// connections for every service's pool, and <c>random_page_cost</c> for data that lives in memory or on SSD.
    /// At the default (4, for spinning disks) the planner sorted the whole register rather than walk an index to a
    /// deep page, and scanned every name rather than use the trigram index: several times slower.
    /// Autovacuum is paced (a nap of 20 ms after every 50 pages' worth of cost, instead of 2 ms after 200). Tables
    /// that grow by hundreds of rows a second (bookings, their people, the outbox's timers) are vacuumed and analysed
    /// about once a minute; unpaced, one worker took a third to half of a two-core machine for one to two seconds,
    /// and requests queued behind it for as long (the bench runs in the history of bench/README.md). Paced, the same work spreads over a few seconds.
    /// </summary>
    public static IReadOnlyList<string> ServerSettings { get; } =
    [
        "-c", "max_connections=200", "-c", "random_page_cost=1.1",
        "-c", "autovacuum_vacuum_cost_delay=20ms", "-c", "autovacuum_vacuum_cost_limit=50",
    ];

    /// <summary>Durability off: fast, and safe only for throw-away data (the tests' servers).</summary>
    public static IReadOnlyList<string> ThrowAwaySettings { get; } = ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];

    /// <summary>
    /// PostgreSQL in the foreground, listening on 127.0.0.1:<paramref name="port"/>, as <see cref="RunAsAccount"/> when root.
    /// Run <see cref="EnsureInitialized"/> first. SIGINT is a fast shutdown, SIGTERM waits for clients to leave.
    /// </summary>
    /// <param name="forTests">With <see cref="ThrowAwaySettings"/>.</param>
    public static LocalServerCommand Command(string dataDirectory, int port, bool forTests = false)
    {
        var data = Path.GetFullPath(dataDirectory);
        List<string> arguments =
        [
            "-D", data,
            "-p", port.ToString(CultureInfo.InvariantCulture),
            "-k", SocketDirectory(data),
            "-c", "listen_addresses=127.0.0.1",
            .. ServerSettings,
        ];
        if (forTests)
        {
            arguments.AddRange(ThrowAwaySettings);
        }

        var command = AsAccount(RunAsAccount(), Path.Combine(FindBinDirectory(), "postgres"), arguments);
        return new LocalServerCommand(
            command.FileName,
            command.Arguments,
            new Dictionary<string, string> { ["LC_MESSAGES"] = "C" },
            Path.GetDirectoryName(data) ?? "/");
    }

    /// <summary><c>pg_ctl stop -m fast</c> for the server on <paramref name="dataDirectory"/>, as the right account.</summary>
    public static LocalServerCommand StopCommand(string dataDirectory)
    {
        var data = Path.GetFullPath(dataDirectory);
        var command = AsAccount(RunAsAccount(), Path.Combine(FindBinDirectory(), "pg_ctl"), ["stop", "-D", data, "-m", "fast", "-w", "-t", "30"]);
        return new LocalServerCommand(command.FileName, command.Arguments, new Dictionary<string, string>(), Path.GetDirectoryName(data) ?? "/");
    }

    public static string ConnectionString(int port, string database = "postgres") =>
        $"Host=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};Username={UserName};Database={database}";

    /// <summary>
    /// Runs a program as <paramref name="account"/> (when not null). <c>setpriv</c> execs the program itself, so the
    /// server is the process that gets signals (no wrapper that might kill it early); <c>runuser</c> otherwise.
    /// </summary>
    private static (string FileName, IReadOnlyList<string> Arguments) AsAccount(string? account, string program, IReadOnlyList<string> arguments)
    {
        if (account is null)
        {
            return (program, arguments);
        }

        if (Posix.FindOnPath("setpriv") is { } setpriv)
        {
            return (setpriv, ["--reuid", account, "--regid", account, "--init-groups", "--", program, .. arguments]);
        }

        var runuser = Posix.FindOnPath("runuser") ?? "/usr/sbin/runuser";
        return (runuser, ["-u", account, "--", program, .. arguments]);
    }

    private static void Chown(string account, string path, bool recursive)
    {
        var (exitCode, output) = Posix.Run("chown", recursive ? ["-R", $"{account}:", path] : [$"{account}:", path]);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"Could not give {path} to the '{account}' account: {output}");
        }
    }

    private static void EnsureReachable(string account, string data)
    {
        var (exitCode, _) = Posix.Run("runuser", ["-u", account, "--", "test", "-w", data]);
        if (exitCode == 0)
        {
            return;
        }

        var blocking = new List<string>();
        for (var folder = Path.GetDirectoryName(data); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (Posix.Run("runuser", ["-u", account, "--", "test", "-x", folder]).ExitCode != 0)
            {
                blocking.Add(folder);
            }
        }

        var reason = blocking.Count > 0
            ? $"the folder(s) {string.Join(", ", blocking)} cannot be traversed by that account (they lack the x permission for it)"
            : "that account cannot write to it";
        throw new InvalidOperationException(
            $"PostgreSQL refuses to run as root, so it runs as the unprivileged '{account}' account, but the data folder {data} is out of its reach: {reason}. " +
            $"Choose a data folder under a path every user can traverse (e.g. /var/tmp/scop/postgres), or allow traversal with: chmod o+x {(blocking.Count > 0 ? blocking[^1] : data)}");
    }

    private static bool AccountExists(string account) => Posix.Run("id", ["-u", account]).ExitCode == 0;

    private static string PickLocale()
    {
        try
        {
            var (exitCode, output) = Posix.Run("locale", ["-a"]);
            if (exitCode == 0 && output.Split('\n').Any(l => l.Trim() is "C.UTF-8" or "C.utf8"))
            {
                return "C.UTF-8";
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // no locale program: fall back to C
        }

        return "C";
    }

    private static Version? ParseVersion(string? name) =>
        Version.TryParse(name?.Contains('.') == true ? name : name + ".0", out var version) ? version : null;
}
