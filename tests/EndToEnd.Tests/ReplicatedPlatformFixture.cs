using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Scop.Aspire.Bench.Platform;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.EndToEnd.Tests;

/// <summary>
/// The platform with every service and the gateway as two processes (<c>Scop:Replicas=2</c>), for what only shows
/// with several: work claimed once between replicas, a sign-in spread over them, processes killed under load. Holds
/// last <see cref="HoldDuration"/>, so their durable timers fire within a test, and a webhook claimed by a process
/// that was killed is taken up again after <see cref="DeliveryClaimLease"/> (longer than an attempt may last) rather
/// than two minutes.
/// </summary>
public sealed class ReplicatedPlatformFixture() : PlatformFixture(2)
{
    public static readonly TimeSpan HoldDuration = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan DeliveryClaimLease = TimeSpan.FromSeconds(20);

    protected override PlatformOptions Options => new()
    {
        Replicas = Replicas,
        Configure = builder =>
        {
            builder.CreateResourceBuilder<ProjectResource>(ResourceNames.Training)
                .WithEnvironment("Scop__Training__HoldDuration", HoldDuration.ToString("c"));
            builder.CreateResourceBuilder<ProjectResource>(ResourceNames.PartnerHooks)
                .WithEnvironment("Scop__PartnerHooks__ClaimLease", DeliveryClaimLease.ToString("c"));
        },
    };
}

[CollectionDefinition(Name)]
public sealed class ReplicatedPlatformCollection : ICollectionFixture<ReplicatedPlatformFixture>
{
    public const string Name = "replicated-platform";
}
