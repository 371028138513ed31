using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Scop.Aspire.Training.Data;

namespace Scop.Aspire.Training.Features.Targets;

/// <summary>The year's national training entries against the Congress target, as anyone may read them.</summary>
public sealed record PublicTargets(int Year, TargetLine Employees, TargetLine Managers);

/// <summary>
/// <c>GET /api/training/public/targets/{year}</c>: the national counts of <see cref="ReadTargets"/> for the public
/// figures of the Congress — counts only, no regional breakdown, no person.
/// </summary>
public static class ReadPublicTargets
{
    public static RouteHandlerBuilder MapPublicTargets(this RouteGroupBuilder group) =>
        group.MapGet("/public/targets/{year:int}", HandleAsync).WithName("GetPublicTargets")
            .WithSummary("The year's national training entries against the Congress target").AllowAnonymous();

    public static async Task<Results<Ok<PublicTargets>, ValidationProblem>> HandleAsync(int year, TrainingDbContext db,
        IOptions<TrainingOptions> options, CancellationToken ct)
    {
        var result = await ReadTargets.HandleAsync(year, db, options, ct);
        return result.Result switch
        {
            Ok<TargetsResponse> ok => TypedResults.Ok(new PublicTargets(ok.Value!.Year, ok.Value.Employees, ok.Value.Managers)),
            ValidationProblem invalid => invalid,
            _ => throw new InvalidOperationException("ReadTargets answered something unexpected."),
        };
    }
}
