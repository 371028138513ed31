using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;
using Scop.Aspire.Training.Features.Catalogue;

namespace Scop.Aspire.Training.Features.Bookings;

/// <summary>
/// <c>GET /api/training/bookings/{id}</c> and <c>GET /api/training/bookings?sessionId=&amp;regionalUnion=&amp;status=</c>:
/// what the caller may see (<see cref="TrainingAccess"/>) — their own seats, their cooperative's, their union's, or
/// everything for staff; the filters narrow that view, never widen it.
/// </summary>
public static class ReadBookings
{
    public static RouteGroupBuilder MapReadBookings(this RouteGroupBuilder group)
    {
        group.MapGet("/bookings/{id:guid}", GetAsync).WithName("GetBooking").WithSummary("One booking with its people")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapGet("/bookings", ListAsync).WithName("ListBookings").WithSummary("Bookings, newest first, paged and filtered")
            .RequireAuthorization(PlatformPolicies.Person);
        return group;
    }

    public static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user,
        TrainingDbContext db, CancellationToken ct) =>
        await db.Bookings.AsNoTracking().Include(b => b.Attendees).SingleOrDefaultAsync(b => b.Id == id, ct) is { } booking
        && user.Scope().CanSee(booking)
            ? TypedResults.Ok(BookingResponse.From(booking))
            : Problems.NotFound("Booking", id);

    public static async Task<Results<Ok<PagedList<BookingResponse>>, ValidationProblem>> ListAsync(ClaimsPrincipal user,
        TrainingDbContext db, CancellationToken ct, int? page = null, int? pageSize = null, Guid? sessionId = null, string? regionalUnion = null,
        Guid? cooperativeId = null, string? status = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var bookingStatus = CreateCourse.ParseEnum<BookingStatus>(errors, "status", status, required: false);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var query = db.Bookings.AsNoTracking().VisibleTo(user.Scope());
        if (sessionId is { } session)
        {
            query = query.Where(b => b.SessionId == session);
        }

        if (!string.IsNullOrWhiteSpace(regionalUnion))
        {
            var union = regionalUnion.Trim();
            query = query.Where(b => b.RegionalUnion == union);
        }

        if (cooperativeId is { } cooperative)
        {
            query = query.Where(b => b.CooperativeId == cooperative);
        }

        if (bookingStatus is { } st)
        {
            query = query.Where(b => b.Status == st);
        }

        var total = await query.LongCountAsync(ct);
        var items = await query.Include(b => b.Attendees).OrderByDescending(b => b.CreatedAt).ThenBy(b => b.Id)
            .Skip(paging.Skip).Take(paging.PageSize).AsSplitQuery().ToListAsync(ct);
        return TypedResults.Ok(new PagedList<BookingResponse>(items.Select(b => BookingResponse.From(b)).ToList(),
            paging.Page, paging.PageSize, total));
    }
}
