namespace Scop.Aspire.Web.Components.Shared;

/// <summary>The regional unions of the movement (their ids in tokens and records, and their names).</summary>
public static class Unions
{
    public static readonly IReadOnlyList<(string Id, string Name)> All =
    [
        ("urscop-aura", "URSCOP Auvergne-Rhône-Alpes"),
        ("urscop-bfc", "URSCOP Bourgogne-Franche-Comté"),
        ("urscop-grand-est", "URSCOP Grand Est"),
        ("urscop-hdf", "URSCOP Hauts-de-France"),
        ("urscop-idf", "URSCOP Île-de-France, Centre-Val de Loire et Outre-mer"),
        ("urscop-nouvelle-aquitaine", "URSCOP Nouvelle-Aquitaine"),
        ("urscop-occitanie", "URSCOP Occitanie"),
        ("urscop-ouest", "URSCOP Ouest"),
        ("urscop-paca", "URSCOP Provence-Alpes-Côte d'Azur et Corse"),
    ];

    public static string Name(string? id) => All.FirstOrDefault(u => u.Id == id).Name ?? id ?? "—";
}
