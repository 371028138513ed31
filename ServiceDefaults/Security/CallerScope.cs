using System.Linq.Expressions;
using System.Security.Claims;
using Npgsql;

namespace Scop.Aspire.ServiceDefaults.Security;

/// <summary>
/// What part of the network the caller may see or change, read from their token: everything (federation staff,
/// confederation admins), one regional union (a delegate), one cooperative (its manager), or nothing — and, whatever
/// the role, what is about the caller themselves (the person of their <c>person_id</c> claim). Handlers use it to
/// scope their queries and to check a command's target, so a delegate never reads another region's data.
/// </summary>
public sealed class CallerScope
{
    private CallerScope(bool nationwide, IReadOnlySet<string> regionalUnions, IReadOnlySet<Guid> cooperatives, Guid? person)
    {
        Nationwide = nationwide;
        RegionalUnions = regionalUnions;
        Cooperatives = cooperatives;
        Person = person;
    }

    /// <summary>Sees every region.</summary>
    public bool Nationwide { get; }

    /// <summary>The regional unions a delegate acts for (usually one).</summary>
    public IReadOnlySet<string> RegionalUnions { get; }

    /// <summary>The cooperatives a manager manages.</summary>
    public IReadOnlySet<Guid> Cooperatives { get; }

    /// <summary>The person the caller is in the membership register (<see cref="PlatformClaims.PersonId"/>), if the token says.</summary>
    public Guid? Person { get; }

    public static CallerScope Of(ClaimsPrincipal user)
    {
        var nationwide = user.IsInRole(PlatformRoles.ConfederationAdmin) || user.IsInRole(PlatformRoles.Federation);
        var unions = user.IsInRole(PlatformRoles.Delegate)
            ? user.FindAll(PlatformClaims.RegionalUnion).Select(c => c.Value).Where(v => v.Length > 0)
                .ToHashSet(StringComparer.Ordinal)
            : [];
        var cooperatives = user.IsInRole(PlatformRoles.CooperativeManager)
            ? user.FindAll(PlatformClaims.CooperativeId).Select(c => Guid.TryParse(c.Value, out var id) ? id : Guid.Empty)
                .Where(id => id != Guid.Empty).ToHashSet()
            : [];
        var person = Guid.TryParse(user.FindFirst(PlatformClaims.PersonId)?.Value, out var personId) && personId != Guid.Empty
            ? personId
            : (Guid?)null;
        return new CallerScope(nationwide, unions, cooperatives, person);
    }

    /// <summary>The caller is this person.</summary>
    public bool Is(Guid? personId) => personId is { } id && Person == id;

    /// <summary>May act in (register, change) this regional union: a confederation admin or one of its delegates.</summary>
    public static bool CanManage(ClaimsPrincipal user, string regionalUnion) =>
        user.IsInRole(PlatformRoles.ConfederationAdmin)
        || (user.IsInRole(PlatformRoles.Delegate) && user.HasClaim(PlatformClaims.RegionalUnion, regionalUnion));

    /// <summary>
    /// May act for this cooperative in what its own people do (hire, roles, departures, dues, declared events): a
    /// confederation admin, a delegate of its union, or the cooperative's own manager — for their cooperative only.
    /// </summary>
    public static bool CanActFor(ClaimsPrincipal user, string regionalUnion, Guid cooperativeId) =>
        CanManage(user, regionalUnion) || Of(user).Cooperatives.Contains(cooperativeId);

    /// <summary>May see a record of this regional union and (when it is one) this cooperative.</summary>
    public bool CanRead(string? regionalUnion, Guid? cooperativeId = null) =>
        Nationwide
        || (regionalUnion is not null && RegionalUnions.Contains(regionalUnion))
        || (cooperativeId is { } id && Cooperatives.Contains(id));

    /// <summary>May act for this regional union's people: staff, or one of its delegates.</summary>
    public bool ActsFor(string? regionalUnion) =>
        Nationwide || (regionalUnion is not null && RegionalUnions.Contains(regionalUnion));

    /// <summary>
    /// Keeps the rows the caller may see: all of them nationwide, else those of their regional unions or their
    /// cooperatives. The filter runs in the database.
    /// </summary>
    public IQueryable<T> Apply<T>(IQueryable<T> query, Expression<Func<T, string>> regionalUnion,
        Expression<Func<T, Guid>>? cooperativeId = null)
    {
        if (Nationwide)
        {
            return query;
        }

        var row = regionalUnion.Parameters[0];
        var unions = RegionalUnions.ToList();
        Expression filter = Expression.Call(Expression.Constant(unions), typeof(List<string>).GetMethod(nameof(List<string>.Contains))!,
            regionalUnion.Body);
        if (cooperativeId is not null && Cooperatives.Count > 0)
        {
            var ids = Cooperatives.ToList();
            var idBody = new ReplaceParameter(cooperativeId.Parameters[0], row).Visit(cooperativeId.Body);
            filter = Expression.OrElse(filter,
                Expression.Call(Expression.Constant(ids), typeof(List<Guid>).GetMethod(nameof(List<Guid>.Contains))!, idBody));
        }

        return query.Where(Expression.Lambda<Func<T, bool>>(filter, row));
    }

    /// <summary>
    /// The rule of <see cref="Apply{T}"/> for a hand-written statement: a condition on the given columns, its values
    /// added to <paramref name="parameters"/>; null nationwide.
    /// </summary>
    public string? SqlCondition(NpgsqlParameterCollection parameters, string regionalUnionColumn, string idColumn)
    {
        if (Nationwide)
        {
            return null;
        }

        parameters.Add(new NpgsqlParameter<string[]>("scope_unions", [.. RegionalUnions]));
        parameters.Add(new NpgsqlParameter<Guid[]>("scope_cooperatives", [.. Cooperatives]));
        return $"({regionalUnionColumn} = ANY(@scope_unions) OR {idColumn} = ANY(@scope_cooperatives))";
    }

    private sealed class ReplaceParameter(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
