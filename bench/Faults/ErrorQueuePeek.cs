using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace Scop.Aspire.Bench.Faults;

/// <summary>
/// Reads the messages waiting in <c>_error</c> queues without taking them: each is fetched unacknowledged and goes back
/// when the channel closes. What MassTransit wrote on it says why it failed.
/// </summary>
public static class ErrorQueuePeek
{
    public const int PerQueue = 20;

    public static async Task<List<string>> ReadAsync(string connectionString, IEnumerable<string> queues, CancellationToken ct)
    {
        var lines = new List<string>();
        await using var connection = await new ConnectionFactory { Uri = new Uri(connectionString), ClientProvidedName = "faults-error-queues" }
            .CreateConnectionAsync(ct);
        foreach (var queue in queues)
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            for (var i = 0; i < PerQueue; i++)
            {
                var message = await channel.BasicGetAsync(queue, autoAck: false, ct);
                if (message is null)
                {
                    break;
                }

                var headers = message.BasicProperties.Headers ?? new Dictionary<string, object?>();
                lines.Add($"{queue}: {MessageType(message.Body)}: {Header(headers, "MT-Fault-ExceptionType")}: {Header(headers, "MT-Fault-Message")}");
            }

            await channel.CloseAsync(ct); // unacknowledged: every message read goes back to its queue
        }

        return lines;
    }

    private static string Header(IDictionary<string, object?> headers, string name) =>
        headers.TryGetValue(name, out var value) ? value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            null => "",
            _ => value.ToString() ?? "",
        } : "";

    private static string MessageType(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("messageType", out var types) && types.GetArrayLength() > 0
                ? types[0].GetString() ?? "?"
                : "?";
        }
        catch (JsonException)
        {
            return "?";
        }
    }
}
