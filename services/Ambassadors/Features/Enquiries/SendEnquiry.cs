using System.Net.Mail;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.Ambassadors.Features.Directory;
using Scop.Aspire.Contracts.Ambassadors;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Ambassadors.Features.Enquiries;

/// <summary>
/// <c>POST /api/ambassadors/enquiries</c>, anonymous: a project holder's enquiry to a labelled Ambassade (its id) or to
/// <c>nearest</c> (the labelled Ambassade nearest to the project's commune, by the directory's search). Every field is
/// checked (a <c>400</c> naming each, nothing written); the texts are kept as plain text. The answer carries the
/// follow-up token once: only its hash is kept. The honeypot field <c>website</c>, invisible on the form, is filled by
/// robots only: such a request is answered as if accepted (a token that follows nothing) and nothing is stored, so the
/// robot learns nothing.
/// </summary>
public static class SendEnquiry
{
    public const string Nearest = "nearest";

    public sealed record EnquiryRequest(string? Ambassade, string? Project, string? Sector, string? CommuneCode, string? Name,
        string? Email, string? Phone, bool? ConsentToContact, string? Website);

    public sealed record EnquirySent(Guid Id, string FollowToken, string FollowPath, Guid AmbassadeId, string AmbassadeName,
        DateOnly DueOn);

    public static RouteHandlerBuilder MapSendEnquiry(this RouteGroupBuilder group) =>
        group.MapPost("/enquiries", SendAsync).WithName("SendEnquiry")
            .WithSummary("A project holder's enquiry to an Ambassade or to the nearest one; answers the private follow-up token once")
            .Accepts<EnquiryRequest>("application/json").AllowAnonymous();

    public static async Task<Results<Created<EnquirySent>, ValidationProblem>> SendAsync(HttpRequest http, AmbassadorsDbContext db,
        NpgsqlDataSource database, FrenchPlaces places, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<EnquiryRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var r = request!;
        var errors = new ValidationErrors();
        var project = errors.RequireText("project", r.Project, Enquiry.MaxProjectLength);
        var sector = r.Sector?.Trim();
        if (!places.IsNafDivision(sector))
        {
            errors.Add("sector", "The project's sector: a NAF division, two digits (e.g. 62 for computer programming).");
        }

        var commune = places.FindCommune(r.CommuneCode?.Trim());
        if (commune is null)
        {
            errors.Add("communeCode", "The project's commune: an INSEE code (e.g. 69123 for Lyon).");
        }

        var name = Optional(errors, "name", r.Name, Enquiry.MaxNameLength);
        var email = Optional(errors, "email", r.Email, Enquiry.MaxEmailLength);
        if (email is not null && !IsEmail(email))
        {
            errors.Add("email", "An e-mail address (name@example.fr).");
        }

        var phone = Optional(errors, "phone", r.Phone, Enquiry.MaxPhoneLength);
        if (phone is not null && !IsPhone(phone))
        {
            errors.Add("phone", "A phone number: digits, spaces, dots or dashes, an optional leading +.");
        }

        if (string.IsNullOrWhiteSpace(r.Email) && string.IsNullOrWhiteSpace(r.Phone))
        {
            errors.Add("email", "How to reach you: an e-mail address or a phone number.");
        }

        if (r.ConsentToContact != true)
        {
            errors.Add("consentToContact", "Consent to be contacted by the Ambassade and its regional union is required.");
        }

        var to = r.Ambassade?.Trim();
        Guid? ambassadeId = null;
        if (string.Equals(to, Nearest, StringComparison.Ordinal))
        {
            // The nearest labelled Ambassade, by the directory's own search.
            if (commune is not null && sector is not null && errors.IsValid)
            {
                var found = await NearestAmbassades.SearchAsync(database, places, ct, communeCode: commune.Code, limit: 1);
                ambassadeId = found.Result is Ok<NearestAnswer> { Value.Items: [var nearest, ..] } ? nearest.Id : null;
                if (ambassadeId is null)
                {
                    errors.Add("ambassade", "No labelled Ambassade can be found near this commune.");
                }
            }
        }
        else if (Guid.TryParse(to, out var id))
        {
            ambassadeId = id;
        }
        else
        {
            errors.Add("ambassade", "The id of an Ambassade of the directory, or \"nearest\".");
        }

        Ambassade? ambassade = null;
        if (ambassadeId is { } chosen)
        {
            ambassade = await db.Ambassades.AsNoTracking().SingleOrDefaultAsync(a => a.Id == chosen && a.Status == LabelStatus.Labelled, ct);
            if (ambassade is null)
            {
                errors.Add("ambassade", "No labelled Ambassade has this id: only the directory's Ambassades receive enquiries.");
            }
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = time.GetUtcNow();
        var (token, hash) = Enquiry.NewFollowToken();
        var (dueOn, federationDueOn) = Enquiry.DeadlinesOf(now, ambassade!.CommuneCode);
        if (!string.IsNullOrWhiteSpace(r.Website))
        {
            // The honeypot: answered like any enquiry, stored nowhere.
            return Answer(Guid.CreateVersion7(now), token, ambassade, dueOn);
        }

        var enquiry = new Enquiry
        {
            Id = Guid.CreateVersion7(now),
            AmbassadeId = ambassade.Id,
            CooperativeId = ambassade.CooperativeId,
            RegionalUnion = ambassade.RegionalUnion,
            Sector = sector!,
            CommuneCode = commune!.Code,
            ToNearest = to == Nearest,
            Project = project,
            Name = name,
            Email = email,
            Phone = phone,
            ConsentToContact = true,
            FollowTokenHash = hash,
            Status = EnquiryStatus.Received,
            ReceivedAt = now,
            DueOn = dueOn,
            FederationDueOn = federationDueOn,
        };
        db.Enquiries.Add(enquiry);
        db.AddIntegrationEvent(new EnquiryReceived(Guid.CreateVersion7(now), now, enquiry.Id, ambassade.Id, ambassade.CooperativeId,
            ambassade.RegionalUnion, enquiry.Sector, enquiry.CommuneCode, enquiry.ToNearest, dueOn), enquiry.Id.ToString());
        // The two durable timers, at the start (Paris) of the day after each deadline. No aggregate id: a timer waiting
        // for its moment must not hold back the enquiry's events.
        db.AddIntegrationEvent(new EnquiryDeadlineDue(Guid.CreateVersion7(now), now, enquiry.Id, EscalationLevels.Union, dueOn),
            aggregateId: null, notBefore: ParisCalendar.StartOf(dueOn.AddDays(1)).ToUniversalTime());
        db.AddIntegrationEvent(new EnquiryDeadlineDue(Guid.CreateVersion7(now), now, enquiry.Id, EscalationLevels.Federation,
            federationDueOn), aggregateId: null, notBefore: ParisCalendar.StartOf(federationDueOn.AddDays(1)).ToUniversalTime());
        await db.SaveChangesAsync(ct);
        return Answer(enquiry.Id, token, ambassade, dueOn);
    }

    private static Created<EnquirySent> Answer(Guid id, string token, Ambassade ambassade, DateOnly dueOn)
    {
        var path = $"{AmbassadorsEndpoints.Prefix}/enquiries/follow/{token}";
        return TypedResults.Created(path, new EnquirySent(id, token, path, ambassade.Id, ambassade.Name, dueOn));
    }

    private static string? Optional(ValidationErrors errors, string field, string? value, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? null : errors.RequireText(field, value, maxLength);

    private static bool IsEmail(string value) =>
        !value.Any(char.IsWhiteSpace) && MailAddress.TryCreate(value, out var address) && address.Address == value
        && address.Host.Contains('.', StringComparison.Ordinal);

    private static bool IsPhone(string value)
    {
        var digits = value.Count(char.IsAsciiDigit);
        return digits is >= 6 and <= 15
            && value.Select((c, i) => char.IsAsciiDigit(c) || c is ' ' or '.' or '-' || (c == '+' && i == 0)).All(ok => ok);
    }
}
