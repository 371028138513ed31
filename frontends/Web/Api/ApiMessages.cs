using System.Text.RegularExpressions;

namespace Scop.Aspire.Web.Api;

/// <summary>
/// The services explain a refused field in English (their contract speaks to every client); a page says it in French.
/// The generic explanations every service shares are translated here; what one field means in one form comes from the
/// page (<c>fields</c>), and anything else gets a French sentence rather than English text.
/// </summary>
public static partial class ApiMessages
{
    /// <summary>The problem with each field's errors in French.</summary>
    /// <param name="fields">The page's own sentence for a field, used when the service's explanation is not a generic one.</param>
    public static ApiProblem InFrench(this ApiProblem problem, IReadOnlyDictionary<string, string>? fields = null) =>
        problem with
        {
            Errors = problem.Errors.ToDictionary(
                e => e.Key,
                e => e.Value.Select(message => Translate(message) ?? fields?.GetValueOrDefault(e.Key) ?? "Cette valeur n'est pas acceptée.")
                    .Distinct().ToArray(),
                StringComparer.OrdinalIgnoreCase),
        };

    private static string? Translate(string message)
    {
        if (message.StartsWith("This field is required", StringComparison.Ordinal))
        {
            return "Ce champ est obligatoire.";
        }

        if (AtMost().Match(message) is { Success: true } most)
        {
            return $"{most.Groups[1].Value} caractères au plus.";
        }

        if (Between().Match(message) is { Success: true } between)
        {
            return $"Entre {between.Groups[1].Value} et {French.Number(long.Parse(between.Groups[2].Value))}.";
        }

        return message.StartsWith("One of:", StringComparison.Ordinal) ? "Choisissez une valeur de la liste." : null;
    }

    [GeneratedRegex(@"^At most (\d+) characters\.$")]
    private static partial Regex AtMost();

    [GeneratedRegex(@"^Between (\d+) and (\d+)\.$")]
    private static partial Regex Between();
}
