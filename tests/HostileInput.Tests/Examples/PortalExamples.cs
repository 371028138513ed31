using Scop.Aspire.HostileInput.Tests.Contract;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.HostileInput.Tests.Examples;

/// <summary>The feed: its paging needs nothing but the platform's examples; the cursor is left out of the valid request.</summary>
public sealed class PortalExamples : ServiceExamples
{
    public override string Service => ResourceNames.Portal;

    public override Task SetUpAsync(ServiceContext context, ExampleValues examples)
    {
        examples.Set("before", ExampleValues.Omitted);
        return Task.CompletedTask;
    }
}
