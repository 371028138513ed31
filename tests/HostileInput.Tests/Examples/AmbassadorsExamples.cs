using System.Text.Json.Nodes;
using Scop.Aspire.HostileInput.Tests.Contract;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.HostileInput.Tests.Examples;

/// <summary>
/// The Ambassades' public directory: filters by real région, département, commune and NAF division; the nearest search
/// from one place at a time (a commune; the postcode and the point are left out of the valid request).
/// </summary>
public sealed class AmbassadorsExamples : ServiceExamples
{
    public override string Service => ResourceNames.Ambassadors;

    public override Task SetUpAsync(ServiceContext context, ExampleValues examples)
    {
        examples
            .Set("region", JsonValue.Create("84"))
            .Set("departement", JsonValue.Create("69"))
            .Set("commune", JsonValue.Create("69123"))
            .Set("naf", JsonValue.Create("62"))
            .Set("sector", JsonValue.Create("62"))
            .Set("postcode", ExampleValues.Omitted)
            .Set("latitude", ExampleValues.Omitted)
            .Set("longitude", ExampleValues.Omitted);
        return Task.CompletedTask;
    }
}
