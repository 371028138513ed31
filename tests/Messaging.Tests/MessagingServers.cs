using Scop.Aspire.Testing;

namespace Scop.Aspire.Messaging.Tests;

/// <summary>The real servers of the messaging tests; some tests stop and restart the broker.</summary>
public sealed class MessagingServers : PlatformServers;

[CollectionDefinition(Name)]
public sealed class MessagingCollection : ICollectionFixture<MessagingServers>
{
    public const string Name = "messaging";
}
