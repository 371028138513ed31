using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Testing.Access;

/// <summary>
/// What a matrix's records are about: a cooperative, its regional union and, when the records are a person's, that
/// person. The callers "of the record" are its manager, its union's delegate and the member it is about; the others
/// are of another cooperative, another union, another person.
/// </summary>
public sealed record AccessSubject(Guid Cooperative, string RegionalUnion, Guid? Person = null)
{
    public string OtherRegionalUnion => RegionalUnion == "urscop-ouest" ? "urscop-aura" : "urscop-ouest";
}

/// <summary>Tokens for each <see cref="Caller"/>, signed with the test run's key (<see cref="TestTokens"/>).</summary>
public static class AccessCallers
{
    public static string? TokenOf(Caller caller, string audience, AccessSubject subject) => caller switch
    {
        Caller.Anonymous => null,
        Caller.Member => TestTokens.For(audience, PlatformRoles.Member, personId: Guid.NewGuid()),
        Caller.TheMember => TestTokens.For(audience, PlatformRoles.Member, personId: subject.Person ?? Guid.NewGuid()),
        Caller.Manager => TestTokens.For(audience, PlatformRoles.CooperativeManager, cooperativeId: subject.Cooperative),
        Caller.OtherManager => TestTokens.For(audience, PlatformRoles.CooperativeManager, cooperativeId: Guid.NewGuid()),
        Caller.Elected => TestTokens.For(audience, PlatformRoles.Elected),
        Caller.Delegate => TestTokens.For(audience, PlatformRoles.Delegate, regionalUnion: subject.RegionalUnion),
        Caller.OtherDelegate => TestTokens.For(audience, PlatformRoles.Delegate, regionalUnion: subject.OtherRegionalUnion),
        Caller.Federation => TestTokens.For(audience, PlatformRoles.Federation),
        Caller.Admin => TestTokens.For(audience, PlatformRoles.ConfederationAdmin),
        Caller.Partner => TestTokens.For(audience, PlatformRoles.Partner, clientId: "credit-cooperatif"),
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };
}
