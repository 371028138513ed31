using System.Text;

namespace Scop.Aspire.LocalServers;

/// <summary>
/// A server command line that is not started yet: what an Aspire executable resource declares,
/// or what a test fixture hands to <see cref="System.Diagnostics.Process"/>.
/// </summary>
public sealed record LocalServerCommand(
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory)
{
    /// <summary>The command as a shell would read it (for logs and error messages).</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (name, value) in Environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append('=').Append(Quote(value)).Append(' ');
        }

        text.Append(Quote(FileName));
        foreach (var argument in Arguments)
        {
            text.Append(' ').Append(Quote(argument));
        }

        return text.ToString();
    }

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:@,+%".Contains(c))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
