using System.Globalization;
using System.Text;

namespace Scop.Aspire.Testing;

/// <summary>A fixture's own log file: what the fixture does and what its server prints. Independent of xunit output.</summary>
public sealed class FixtureLog
{
    private static readonly UTF8Encoding Utf8WithoutMark = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Lock gate = new();

    public FixtureLog(string path, string name)
    {
        Path = path;
        Name = name;
    }

    public string Path { get; }

    public string Name { get; }

    /// <summary>A line from the fixture itself.</summary>
    public void Info(string message) => Append($"[{Name}] {message}");

    /// <summary>A line the server printed.</summary>
    public void Output(string source, string? line)
    {
        if (line is not null)
        {
            Append($"[{source}] {line}");
        }
    }

    /// <summary>The last <paramref name="count"/> lines of the file.</summary>
    public string Tail(int count = 40)
    {
        lock (gate)
        {
            if (!File.Exists(Path))
            {
                return "(no log yet)";
            }

            var lines = File.ReadAllLines(Path);
            return string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Length - count)));
        }
    }

    private void Append(string text)
    {
        var line = DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) + " " + text + Environment.NewLine;
        lock (gate)
        {
            try
            {
                File.AppendAllText(Path, line, Utf8WithoutMark);
            }
            catch (IOException)
            {
                // the folder is being deleted: nothing left to log to
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
