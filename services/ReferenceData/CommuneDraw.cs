namespace Scop.Aspire.ReferenceData;

/// <summary>
/// Draws communes as people live in them: each with a chance proportional to its population, among those of at least
/// <c>minimumPopulation</c> inhabitants — where the demo data puts its cooperatives and companies. Deterministic for a
/// given <see cref="Random"/>.
/// </summary>
public sealed class CommuneDraw
{
    private readonly Commune[] communes;
    private readonly long[] cumulative;

    public CommuneDraw(FrenchReferenceData reference, int minimumPopulation)
    {
        communes = reference.Communes.Where(c => c.Population >= minimumPopulation).OrderBy(c => c.Code, StringComparer.Ordinal).ToArray();
        cumulative = new long[communes.Length];
        long sum = 0;
        for (var i = 0; i < communes.Length; i++)
        {
            cumulative[i] = sum += communes[i].Population;
        }
    }

    public Commune Next(Random random)
    {
        var found = Array.BinarySearch(cumulative, random.NextInt64(cumulative[^1]));
        return communes[found < 0 ? ~found : found];
    }
}
