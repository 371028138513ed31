using Scop.Aspire.Web.Api;
using Scop.Aspire.Web.Api.Ambassadors;

namespace Scop.Aspire.Web.Components.Pages.Clubs;

/// <summary>What the clubs' pages say in French: a club's state, a person's role in it, and the rules a refusal names.</summary>
public static class ClubNames
{
    public static string Status(string status) => status switch
    {
        "Open" => "Actif",
        "Dormant" => "En sommeil",
        "Closed" => "Fermé",
        _ => status,
    };

    /// <summary>The badge's tone: the words say the state, the colour only repeats them.</summary>
    public static string StatusTone(string status) => status switch
    {
        "Open" => "ok",
        "Dormant" => "warn",
        "Closed" => "bad",
        _ => "",
    };

    public static string Role(string role) => role == "Animator" ? "Animateur·rice" : "Membre";

    /// <summary>A person of the register by their id, shortened for a list (the club's roster names nobody more).</summary>
    public static string Person(Guid id, Guid? me) => id == me ? $"Vous ({Short(id)})" : $"Personne {Short(id)}";

    public static string Short(Guid id) => id.ToString()[..8];

    /// <summary>The sentence of a refusal by one of the clubs' rules (the people it names shortened), or null.</summary>
    public static string? Rule(ApiException exception, string refused)
    {
        var problem = exception.Problem;
        var missing = Missing(exception.Response);
        return problem.Rule switch
        {
            "animator-completed-module" => $"{refused} : un·e animateur·rice doit avoir suivi le module « Animer un club inter-SCOP » "
                + "du parcours des élu·es, et la formation ne l'a pas signalé pour "
                + (missing.Count > 0 ? string.Join(", ", missing.Select(m => Guid.TryParse(m, out var g) ? $"la personne {Short(g)}" : m)) : "cette personne")
                + ".",
            "one-open-club-per-epci" => $"{refused} : ce territoire (EPCI) a déjà un club ouvert ; rejoignez-le plutôt.",
            "club-not-closed" => $"{refused} : le club est fermé, il ne change plus.",
            "attendance-of-members" => $"{refused} : seuls les membres et les animateur·rices du club figurent parmi les présent·es.",
            "club-keeps-an-animator" => $"{refused} : un club garde au moins un·e animateur·rice ; ajoutez-en un·e autre d'abord.",
            _ => null,
        };
    }

    /// <summary>A refusal in French: the rule's sentence, else a general one for its status (never the API's English).</summary>
    public static string Refusal(ApiException exception, string refused) => Rule(exception, refused) ?? exception.StatusCode switch
    {
        400 => $"{refused} : corrigez les champs signalés.",
        403 => $"{refused} : seul·es ses animateur·rices, les délégué·es de son union régionale et l'équipe fédérale le peuvent.",
        404 => $"{refused} : ce club est introuvable.",
        409 => $"{refused} : cette action entre en conflit avec l'état actuel du club ; rechargez la page.",
        412 => $"{refused} : quelqu'un a modifié ce club entre-temps ; rechargez la page.",
        429 => $"{refused} : trop de demandes, réessayez dans un instant.",
        _ => $"{refused} : le service ne répond pas pour l'instant ; réessayez dans un instant.",
    };

    private static IReadOnlyList<string> Missing(string? body)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body ?? "{}");
            return document.RootElement.TryGetProperty("missing", out var m) && m.ValueKind == System.Text.Json.JsonValueKind.Array
                ? m.EnumerateArray().Select(v => v.GetString() ?? "").ToList()
                : [];
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }
}
