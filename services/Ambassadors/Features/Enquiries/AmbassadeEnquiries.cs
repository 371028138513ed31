using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.Contracts.Ambassadors;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Ambassadors.Features.Enquiries;

/// <summary>
/// The enquiries as the Ambassade and its union see them: readable by the manager of the Ambassade's cooperative, the
/// delegates of its regional union and staff only — to anyone else an enquiry does not exist (<c>404</c>).
/// <list type="bullet">
/// <item><c>GET …/enquiries?ambassadeId=&amp;status=</c>: the caller's enquiries, newest first, paged.</item>
/// <item><c>GET …/enquiries/{id}</c>: one, with the project holder's contact; <c>ETag</c>, in the header and in the body
/// (<c>eTag</c>, as an Ambassade's), so a client holds the version with the enquiry it read.</item>
/// <item><c>POST …/enquiries/{id}/answer</c>: the first answer (<c>note</c>), once (<c>409</c> <c>answer-once</c>, and a
/// withdrawn enquiry cannot be answered: <c>answer-not-withdrawn</c>); <c>If-Match</c>. The deadline's timers then do
/// nothing. The answer is the enquiry as recorded, with its new <c>eTag</c>.</item>
/// </list>
/// </summary>
public static class AmbassadeEnquiries
{
    /// <summary>
    /// An enquiry as its Ambassade, union and staff see it. <see cref="ETag"/> is its version, the same as the ETag
    /// header: a client sends it back as If-Match without depending on the headers of the last answer it read.
    /// </summary>
    public sealed record EnquiryView(Guid Id, string Status, Guid AmbassadeId, string RegionalUnion, string Sector,
        string CommuneCode, bool ToNearest, DateTimeOffset ReceivedAt, DateOnly DueOn, bool Late, string? Project, string? Name,
        string? Email, string? Phone, bool ConsentToContact, string? Answer, DateTimeOffset? AnsweredAt,
        DateTimeOffset? EscalatedToUnionAt, DateTimeOffset? EscalatedToFederationAt, DateTimeOffset? WithdrawnAt, string ETag);

    public sealed record AnswerRequest(string? Note);

    public static readonly LabelRule AnswerOnce = new("answer-once", "The enquiry is already answered",
        "Its first answer is recorded; it is answered once.");

    public static readonly LabelRule AnswerNotWithdrawn = new("answer-not-withdrawn", "The enquiry was withdrawn",
        "The project holder withdrew it; their data is erased.");

    public static RouteGroupBuilder MapAmbassadeEnquiries(this RouteGroupBuilder group)
    {
        group.MapGet("/enquiries", ListAsync).WithName("ListEnquiries")
            .WithSummary("The enquiries of the caller's Ambassade or union (all for staff), newest first, paged")
            .RequireAuthorization(PlatformPolicies.ReadCooperatives);
        group.MapGet("/enquiries/{id:guid}", GetAsync).WithName("GetEnquiry").WithSummary("One enquiry, with its contact (ETag)")
            .RequireAuthorization(PlatformPolicies.ReadCooperatives);
        group.MapPost("/enquiries/{id:guid}/answer", AnswerAsync).WithName("AnswerEnquiry")
            .WithSummary("Record the first answer to an enquiry (If-Match)").Accepts<AnswerRequest>("application/json")
            .WithHeader("If-Match", required: true, maxLength: 200, "The ETag of the version read (GET), or *.")
            .RequireAuthorization(PlatformPolicies.ReadCooperatives);
        return group;
    }

    public static async Task<Results<Ok<PagedList<EnquiryView>>, ValidationProblem>> ListAsync(ClaimsPrincipal user,
        AmbassadorsDbContext db, TimeProvider time, CancellationToken ct, int? page = null, int? pageSize = null,
        Guid? ambassadeId = null, string? status = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        EnquiryStatus? wanted = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<EnquiryStatus>(status.Trim(), ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed)
                || status.Trim().All(c => char.IsAsciiDigit(c) || c == '-'))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["status"] = [$"One of: {string.Join(", ", Enum.GetNames<EnquiryStatus>())}."],
                });
            }

            wanted = parsed;
        }

        var query = user.Scope().Apply(db.Enquiries.AsNoTracking(), e => e.RegionalUnion, e => e.CooperativeId);
        if (ambassadeId is { } id)
        {
            query = query.Where(e => e.AmbassadeId == id);
        }

        if (wanted is { } s)
        {
            query = query.Where(e => e.Status == s);
        }

        var total = await query.LongCountAsync(ct);
        var rows = await query.OrderByDescending(e => e.ReceivedAt).ThenByDescending(e => e.Id)
            .Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        var today = ParisCalendar.Today(time);
        return TypedResults.Ok(new PagedList<EnquiryView>(rows.Select(e => View(e, today)).ToList(), paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Ok<EnquiryView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, HttpResponse response,
        AmbassadorsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var enquiry = await db.Enquiries.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct);
        if (enquiry is null || !user.Scope().CanRead(enquiry.RegionalUnion, enquiry.CooperativeId))
        {
            return Problems.NotFound("Enquiry", id);
        }

        var view = View(enquiry, ParisCalendar.Today(time));
        response.Headers.ETag = view.ETag;
        return TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<EnquiryView>, ValidationProblem, ProblemHttpResult>> AnswerAsync(Guid id, HttpRequest http,
        ClaimsPrincipal user, AmbassadorsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var enquiry = await db.Enquiries.SingleOrDefaultAsync(e => e.Id == id, ct);
        if (enquiry is null || !user.Scope().CanRead(enquiry.RegionalUnion, enquiry.CooperativeId))
        {
            return Problems.NotFound("Enquiry", id);
        }

        var ifMatch = http.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return Preconditions.IfMatchRequired();
        }

        var (request, problem) = await JsonBody.ReadAsync<AnswerRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var note = errors.RequireText("note", request!.Note, Enquiry.MaxAnswerLength);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var stale = Preconditions.Stale("enquiry", $"/api/ambassadors/enquiries/{id}");
        if (!Preconditions.Matches(ifMatch, Preconditions.ETagOf(enquiry.Version)))
        {
            return stale;
        }

        switch (enquiry.Status)
        {
            case EnquiryStatus.Answered:
                return Problems.Broken(AnswerOnce);
            case EnquiryStatus.Withdrawn:
                return Problems.Broken(AnswerNotWithdrawn);
        }

        var now = time.GetUtcNow();
        enquiry.Status = EnquiryStatus.Answered;
        enquiry.Answer = note;
        enquiry.AnsweredAt = now;
        enquiry.AnsweredBy = user.Scope().Person;
        db.AddIntegrationEvent(new EnquiryAnswered(Guid.CreateVersion7(now), now, enquiry.Id, enquiry.AmbassadeId, enquiry.RegionalUnion,
            enquiry.DueOn, ParisCalendar.DateOf(now) <= enquiry.DueOn), enquiry.Id.ToString());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return stale; // withdrawn or answered meanwhile
        }

        var answered = View(enquiry, ParisCalendar.Today(time));
        http.HttpContext.Response.Headers.ETag = answered.ETag;
        return TypedResults.Ok(answered);
    }

    private static EnquiryView View(Enquiry e, DateOnly today) => new(e.Id, e.Status.ToString(), e.AmbassadeId, e.RegionalUnion,
        e.Sector, e.CommuneCode, e.ToNearest, e.ReceivedAt, e.DueOn, e.Status == EnquiryStatus.Received && today > e.DueOn,
        e.Project, e.Name, e.Email, e.Phone, e.ConsentToContact, e.Answer, e.AnsweredAt, e.EscalatedToUnionAt,
        e.EscalatedToFederationAt, e.WithdrawnAt, Preconditions.ETagOf(e.Version));
}
