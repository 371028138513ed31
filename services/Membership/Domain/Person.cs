using System.Security.Cryptography;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Domain;

/// <summary>What a person is in a cooperative; a person may hold several roles at once, each over its own dates.</summary>
public enum RoleKind
{
    Employee,

    /// <summary>Sociétaire: an employee who holds shares in the cooperative.</summary>
    WorkerMember,

    Manager,
}

/// <summary>A person of the movement: hired by a cooperative, with a member card.</summary>
public sealed class Person
{
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 254;
    public const int MaxPhoneLength = 30;
    public const string ErasedName = "(effacé)";

    private Person()
    {
    }

    public Guid Id { get; private set; }

    public string GivenName { get; private set; } = "";

    public string FamilyName { get; private set; } = "";

    public string? Email { get; private set; }

    public string? Phone { get; private set; }

    public DateOnly? BirthDate { get; private set; }

    /// <summary>The cooperative that hired the person, and its regional union: whose delegates see the person.</summary>
    public Guid CooperativeId { get; private set; }

    public string RegionalUnion { get; private set; } = "";

    public DateOnly HiredOn { get; private set; }

    public DateOnly? LeftOn { get; private set; }

    public string CardNumber { get; private set; } = "";

    public DateOnly? CardRevokedOn { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? ErasedAt { get; private set; }

    public List<PersonRole> Roles { get; private set; } = [];

    public static Person Hire(string givenName, string familyName, string? email, string? phone, DateOnly? birthDate,
        Cooperative cooperative, RoleKind role, DateOnly hiredOn, DateTimeOffset now)
    {
        var person = new Person
        {
            Id = Guid.CreateVersion7(now),
            GivenName = givenName,
            FamilyName = familyName,
            Email = email,
            Phone = phone,
            BirthDate = birthDate,
            CooperativeId = cooperative.Id,
            RegionalUnion = cooperative.RegionalUnion,
            HiredOn = hiredOn,
            CardNumber = MemberCard.NewNumber(),
            CreatedAt = now,
        };
        person.Roles.Add(PersonRole.Start(person.Id, cooperative.Id, role, hiredOn));
        return person;
    }

    public bool HasLeft(DateOnly today) => LeftOn is { } left && left <= today;

    /// <summary>Takes up another role in the cooperative (a worker-member, a manager) from a date.</summary>
    public PersonRole StartRole(RoleKind kind, DateOnly startsOn)
    {
        var role = PersonRole.Start(Id, CooperativeId, kind, startsOn);
        Roles.Add(role);
        return role;
    }

    /// <summary>Leaves the cooperative: every open role ends that day and the card is revoked.</summary>
    public void Leave(DateOnly leftOn)
    {
        LeftOn = leftOn;
        foreach (var role in Roles.Where(r => r.EndsOn is null || r.EndsOn > leftOn))
        {
            role.End(leftOn);
        }

        RevokeCard(leftOn);
    }

    public void RevokeCard(DateOnly on) => CardRevokedOn = CardRevokedOn is { } earlier && earlier < on ? earlier : on;

    public bool IsErased => ErasedAt is not null;

    /// <summary>The right to erasure: what identifies the person goes; the roles and dates stay, for the statistics.</summary>
    public void Erase(DateTimeOffset now)
    {
        GivenName = ErasedName;
        FamilyName = ErasedName;
        Email = null;
        Phone = null;
        BirthDate = null;
        RevokeCard(ParisCalendar.DateOf(now));
        ErasedAt = now;
    }
}

/// <summary>One role of a person in a cooperative, from a date, until a date (null: still held).</summary>
public sealed class PersonRole
{
    private PersonRole()
    {
    }

    public Guid Id { get; private set; }

    public Guid PersonId { get; private set; }

    public Guid CooperativeId { get; private set; }

    public RoleKind Kind { get; private set; }

    public DateOnly StartsOn { get; private set; }

    public DateOnly? EndsOn { get; private set; }

    public static PersonRole Start(Guid personId, Guid cooperativeId, RoleKind kind, DateOnly startsOn) => new()
    {
        Id = Guid.CreateVersion7(),
        PersonId = personId,
        CooperativeId = cooperativeId,
        Kind = kind,
        StartsOn = startsOn,
    };

    public bool IsHeldOn(DateOnly day) => StartsOn <= day && (EndsOn is null || day < EndsOn);

    public void End(DateOnly endsOn) => EndsOn = endsOn < StartsOn ? StartsOn : endsOn;
}

/// <summary>
/// Member card numbers: 16 digits, the prefix 92, 13 random digits and a Luhn check digit, so a mistyped number is
/// refused before any look-up.
/// </summary>
public static class MemberCard
{
    public const string Prefix = "92";
    public const int Length = 16;

    public static string NewNumber()
    {
        var body = Prefix + string.Concat(Enumerable.Range(0, Length - Prefix.Length - 1)
            .Select(_ => (char)('0' + RandomNumberGenerator.GetInt32(10))));
        return body + Siren.LuhnKey(body);
    }

    /// <summary>Removes spaces; 16 digits with a valid Luhn check digit.</summary>
    public static bool TryNormalize(string? input, out string number)
    {
        number = new string((input ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray());
        return number.Length == Length && number.All(char.IsAsciiDigit) && Siren.HasValidLuhnKey(number);
    }
}
