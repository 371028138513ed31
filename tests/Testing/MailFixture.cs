using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization;
using DotNet.Testcontainers.Builders;
using MimeKit;
using Scop.Aspire.LocalServers;
using Scop.Aspire.Testing.Hosting;

namespace Scop.Aspire.Testing;

/// <summary>
/// A real mail server that accepts every message over SMTP and keeps it where the tests read it: the machine's Exim
/// delivering to a Maildir in the fixture's folder (<see cref="LocalMail"/>), or, where a Docker engine answers, a
/// Mailpit container read through its API. <see cref="ConnectionString"/> is <c>smtp://host:port</c>; messages the
/// server accepted before a restart are still there after it.
/// </summary>
public sealed class MailFixture : ServerFixture
{
    private const string ContainerImage = "axllent/mailpit:v1.27";
    private const int ContainerSmtpPort = 1025;
    private const int ContainerApiPort = 8025;

    private readonly int port = FreePorts.Next();
    private readonly int apiPort = FreePorts.Next();
    private readonly HttpClient api = new() { Timeout = TimeSpan.FromSeconds(10) };

    // One public constructor: xunit builds class fixtures with it.
    public MailFixture()
        : this(LocalMail.DefaultMessagesPerConnection)
    {
    }

    private MailFixture(int messagesPerConnection)
        : base("mail")
    {
        MessagesPerConnection = messagesPerConnection;
    }

    /// <summary>A server that closes a connection after <paramref name="messages"/> messages (local mode only: Mailpit has no such limit).</summary>
    public static MailFixture ClosingConnectionsAfter(int messages) => new(messages);

    public int MessagesPerConnection { get; }

    public override string ConnectionString => TestInfrastructure.UseContainers
        ? $"smtp://{Host.Host}:{port}"
        : LocalMail.ConnectionString(port);

    private string DataDirectory => Path.Combine(Directory, "mail");

    /// <summary>Every message the server delivered, oldest first, as sent (headers, body, attachments).</summary>
    public async Task<IReadOnlyList<MimeMessage>> MessagesAsync(CancellationToken ct = default)
    {
        if (TestInfrastructure.UseContainers)
        {
            var list = await api.GetFromJsonAsync<MailpitList>($"http://{Host.Host}:{apiPort}/api/v1/messages?limit=10000", ct);
            var messages = new List<MimeMessage>();
            foreach (var summary in (list?.Messages ?? []).OrderBy(m => m.Created))
            {
                await using var raw = await api.GetStreamAsync($"http://{Host.Host}:{apiPort}/api/v1/message/{summary.Id}/raw", ct);
                messages.Add(await MimeMessage.LoadAsync(raw, ct));
            }

            return messages;
        }

        var maildir = LocalMail.MaildirOf(DataDirectory);
        var files = new[] { "new", "cur" }.Select(folder => Path.Combine(maildir, folder)).Where(System.IO.Directory.Exists)
            .SelectMany(System.IO.Directory.EnumerateFiles)
            .Select(path => new FileInfo(path)).OrderBy(file => file.LastWriteTimeUtc).ThenBy(file => file.Name);
        var result = new List<MimeMessage>();
        foreach (var file in files)
        {
            await using var stream = file.OpenRead();
            result.Add(await MimeMessage.LoadAsync(stream, ct));
        }

        return result;
    }

    /// <summary>The messages sent to <paramref name="address"/> (by their envelope or their To header).</summary>
    public async Task<IReadOnlyList<MimeMessage>> MessagesToAsync(string address, CancellationToken ct = default) =>
        (await MessagesAsync(ct)).Where(message => IsFor(message, address)).ToList();

    public static bool IsFor(MimeMessage message, string address) =>
        message.To.Mailboxes.Any(m => string.Equals(m.Address, address, StringComparison.OrdinalIgnoreCase))
        || message.Headers["Envelope-to"]?.Split(',').Any(a => string.Equals(a.Trim(), address, StringComparison.OrdinalIgnoreCase)) == true;

    private protected override IServerHost CreateHost()
    {
        if (TestInfrastructure.UseContainers)
        {
            var container = new ContainerBuilder(ContainerImage)
                .WithPortBinding(port, ContainerSmtpPort)
                .WithPortBinding(apiPort, ContainerApiPort)
                .WithEnvironment("MP_SMTP_AUTH_ACCEPT_ANY", "1")
                .WithEnvironment("MP_SMTP_AUTH_ALLOW_INSECURE", "1")
                .WithEnvironment("MP_MAX_MESSAGES", "0")
                .Build();
            return new ContainerHost("mail", Log, container, port);
        }

        return new ProcessHost(
            "mail",
            Log,
            port,
            () => LocalMail.Command(DataDirectory, port),
            stopSignal: Posix.SIGTERM,
            prepare: () => LocalMail.EnsureInitialized(DataDirectory, port, MessagesPerConnection));
    }

    /// <summary>Ready when the server greets an SMTP client with 220.</summary>
    protected override async Task ProbeAsync(CancellationToken ct)
    {
        var address = new Uri(ConnectionString);
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port, ct);
        using var reader = new StreamReader(client.GetStream());
        var greeting = await reader.ReadLineAsync(ct);
        if (greeting is null || !greeting.StartsWith("220", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The mail server greeted with '{greeting}'.");
        }
    }

    private sealed record MailpitList([property: JsonPropertyName("messages")] IReadOnlyList<MailpitSummary>? Messages);

    private sealed record MailpitSummary([property: JsonPropertyName("ID")] string Id,
        [property: JsonPropertyName("Created")] DateTimeOffset Created);
}
