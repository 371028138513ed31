using System.Globalization;

namespace Scop.Aspire.LocalServers;

/// <summary>
/// The machine's installed RabbitMQ (Debian package <c>rabbitmq-server</c>) run as a plain local process,
/// with every file it writes under one base folder and no plugins (it starts faster).
/// </summary>
public static class LocalRabbitMq
{
    private const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string PluginFreeFolder = "server";

    /// <exception cref="MissingServerException">RabbitMQ is not installed.</exception>
    public static string FindServerScript()
    {
        if (File.Exists(ServerScript))
        {
            return ServerScript;
        }

        if (Posix.FindOnPath("rabbitmq-server") is { } onPath)
        {
            return onPath;
        }

        throw new MissingServerException("RabbitMQ server", $"{ServerScript} and PATH", "sudo apt-get install rabbitmq-server");
    }

    /// <summary>Erlang's port mapper daemon (installed with Erlang, a dependency of rabbitmq-server).</summary>
    /// <exception cref="MissingServerException">Erlang is not installed.</exception>
    public static string FindEpmd()
    {
        if (Posix.FindOnPath("epmd") is { } onPath)
        {
            return onPath;
        }

        var bundled = Directory.Exists("/usr/lib/erlang")
            ? Directory.EnumerateFiles("/usr/lib/erlang", "epmd", SearchOption.AllDirectories).FirstOrDefault()
            : null;
        return bundled ?? throw new MissingServerException("Erlang epmd", "PATH and /usr/lib/erlang", "sudo apt-get install rabbitmq-server");
    }

    /// <summary>
    /// Creates the folders under <paramref name="baseDirectory"/> (mnesia, log, home), an empty plugin list, an
    /// own (empty) configuration, so nothing in /etc/rabbitmq applies, and a plugin-free view of the installation
    /// (see <see cref="Command"/>). Idempotent; keeps existing data.
    /// </summary>
    public static void EnsureInitialized(string baseDirectory)
    {
        var root = Path.GetFullPath(baseDirectory);
        PreparePluginFreeInstallation(root);
        foreach (var folder in new[] { "mnesia", "log", "home" })
        {
            Directory.CreateDirectory(Path.Combine(root, folder));
        }

        WriteIfMissing(Path.Combine(root, "enabled_plugins"), "[].\n");
        WriteIfMissing(
            Path.Combine(root, "rabbitmq.conf"),
            "# Local development / test node. Ports, addresses and folders come from the RABBITMQ_* environment.\n" +
            "# The default user guest/guest may connect from localhost only.\n");
        WriteIfMissing(Path.Combine(root, "rabbitmq-env.conf"), "# Intentionally empty: the environment is set by the caller.\n");
    }

    /// <summary>
    /// RabbitMQ in the foreground. Started from the plugin-free view that <see cref="EnsureInitialized"/> prepares
    /// when it exists (the broker scans every application it can load at boot: without the ~40 bundled plugins it
    /// starts about twice as fast), else from the installed script. (SIGTERM stops it cleanly), AMQP on 127.0.0.1:<paramref name="amqpPort"/>,
    /// logs to stdout. Run <see cref="EnsureInitialized"/> first.
    /// </summary>
    /// <param name="nodeName">Erlang node name, unique on the machine, e.g. <c>scop@localhost</c>.</param>
    /// <param name="distributionPort">Erlang distribution port (used by rabbitmqctl).</param>
    /// <param name="epmdPort">
    /// Port of an Erlang port mapper the caller runs (see <see cref="EpmdCommand"/>). Null: Erlang uses the shared
    /// one on port 4369 and starts it as a daemon if absent, which then outlives the server.
    /// </param>
    public static LocalServerCommand Command(string baseDirectory, string nodeName, int amqpPort, int distributionPort, int? epmdPort = null)
    {
        var root = Path.GetFullPath(baseDirectory);
        var environment = new Dictionary<string, string>
        {
            ["RABBITMQ_NODENAME"] = nodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = amqpPort.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(root, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(root, "log"),
            ["RABBITMQ_LOGS"] = "-",
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(root, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(root, "rabbitmq.conf"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(root, "rabbitmq-env.conf"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(root, "advanced.config"),
            // The distribution port listens on every interface unless told otherwise. Then, once the broker is up (the
            // script's boot runs before these arguments), its epmd watcher stops: RabbitMQ 3.10 (Debian 12's) makes
            // sure epmd runs every minute by starting a whole Erlang VM, 0.3 to 0.4 s of CPU each time, which on a
            // small machine stalls the services' requests once a minute. The port mapper is the caller's process and
            // keeps the node's registration. No spaces: the server script splits these words.
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] =
                "-kernel inet_dist_use_interface {127,0,0,1} -eval catch(supervisor:terminate_child(rabbit_sup,rabbit_epmd_monitor_sup))",
            ["HOME"] = Path.Combine(root, "home"),
        };
        if (epmdPort is { } port)
        {
            environment["ERL_EPMD_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        }

        var pluginFree = Path.Combine(root, PluginFreeFolder, "sbin", "rabbitmq-server");
        return new LocalServerCommand(File.Exists(pluginFree) ? pluginFree : FindServerScript(), [], environment, root);
    }

    /// <summary>An Erlang port mapper in the foreground on 127.0.0.1:<paramref name="epmdPort"/>, owned by its caller.</summary>
    public static LocalServerCommand EpmdCommand(int epmdPort) =>
        new(
            FindEpmd(),
            ["-port", epmdPort.ToString(CultureInfo.InvariantCulture), "-address", "127.0.0.1"],
            new Dictionary<string, string>(),
            "/");

    public static string ConnectionString(int amqpPort) =>
        $"amqp://guest:guest@127.0.0.1:{amqpPort.ToString(CultureInfo.InvariantCulture)}/";

    /// <summary>
    /// &lt;base&gt;/server: sbin and escript link to the installation, plugins/ links every bundled application except
    /// the optional rabbitmq_* plugins (rabbitmq_prelaunch is part of the broker). The scripts take the installation
    /// root from their own folder, so the broker only sees these applications. Rebuilt when the installation changes.
    /// </summary>
    private static void PreparePluginFreeInstallation(string root)
    {
        var script = FindServerScript();
        var real = new FileInfo(script).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? script;
        var sbin = Path.GetDirectoryName(real);
        var installation = sbin is null ? null : Path.GetDirectoryName(sbin);
        var plugins = installation is null ? null : Path.Combine(installation, "plugins");
        var target = Path.Combine(root, PluginFreeFolder);
        var marker = Path.Combine(target, "source");
        if (installation is null || !Directory.Exists(plugins) || !Directory.Exists(Path.Combine(installation, "escript")))
        {
            return; // unknown layout: Command falls back to the installed script
        }

        if (File.Exists(marker) && File.ReadAllText(marker) == installation && File.Exists(Path.Combine(target, "sbin", "rabbitmq-server")))
        {
            return;
        }

        if (Directory.Exists(target))
        {
            // rm does not follow the links into the installation.
            Posix.Run("rm", ["-rf", "--", target]);
        }

        Directory.CreateDirectory(Path.Combine(target, "plugins"));
        Directory.CreateSymbolicLink(Path.Combine(target, "sbin"), sbin!);
        Directory.CreateSymbolicLink(Path.Combine(target, "escript"), Path.Combine(installation, "escript"));
        foreach (var application in Directory.EnumerateDirectories(plugins))
        {
            var name = Path.GetFileName(application);
            if (!name.StartsWith("rabbitmq_", StringComparison.Ordinal) || name.StartsWith("rabbitmq_prelaunch-", StringComparison.Ordinal))
            {
                Directory.CreateSymbolicLink(Path.Combine(target, "plugins", name), application);
            }
        }

        File.WriteAllText(marker, installation);
    }

    private static void WriteIfMissing(string path, string content)
    {
        if (!File.Exists(path))
        {
            File.WriteAllText(path, content);
        }
    }
}
