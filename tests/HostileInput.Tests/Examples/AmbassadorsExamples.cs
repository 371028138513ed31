using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.HostileInput.Tests.Contract;
using Scop.Aspire.HostileInput.Tests.Support;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.HostileInput.Tests.Examples;

/// <summary>
/// The Ambassades: the public directory's filters by real région, département, commune and NAF division, and the nearest
/// search from one place at a time (a commune; the postcode and the point are left out of the valid request). For the
/// label's workflow, cooperatives of the register (as membership's events make them known, their dues paid: the one the
/// manager's token names among them) and an Ambassade at the status each step starts from, so that each step's valid
/// request is a legal step; and enquiries sent to a labelled one, to read, answer, follow and withdraw.
/// </summary>
public sealed class AmbassadorsExamples : ServiceExamples
{
    public override string Service => ResourceNames.Ambassadors;

    public override async Task SetUpAsync(ServiceContext context, ExampleValues examples)
    {
        var yesterday = ParisCalendar.Today(TimeProvider.System).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        examples
            .Set("region", JsonValue.Create("84"))
            .Set("departement", JsonValue.Create("69"))
            .Set("commune", JsonValue.Create("69123"))
            .Set("naf", JsonValue.Create("62"))
            .Set("sector", JsonValue.Create("62"))
            .Set("postcode", ExampleValues.Omitted)
            .Set("latitude", ExampleValues.Omitted)
            .Set("longitude", ExampleValues.Omitted)
            .Set("motivation", JsonValue.Create("Nous accueillons les porteurs de projet chaque jeudi matin."))
            .Set("visitOn", JsonValue.Create(yesterday))
            .Set("signageInPlace", JsonValue.Create(true))
            .Set("canWelcomeAndInform", JsonValue.Create(true))
            .Set("localRepresentation", JsonValue.Create(true))
            .Set("comment", JsonValue.Create("Visite faite avec l'union régionale."))
            .Set("reason", JsonValue.Create("La signalétique a été retirée."))
            .Set("status", JsonValue.Create("Labelled"))
            .Set("SetMyAmbassadePosition.latitude", JsonValue.Create(45.76293))
            .Set("SetMyAmbassadePosition.longitude", JsonValue.Create(4.85038))
            .Set("If-Match", JsonValue.Create("*"));

        var review = new { visitOn = yesterday, signageInPlace = true, canWelcomeAndInform = true, localRepresentation = true };
        async Task<Guid> AmbassadeAsync(params (string Step, object Body)[] steps)
        {
            var cooperative = await CooperativeAsync(context);
            using var manager = context.Service.CreateClient(ServiceContext.Patience);
            manager.WithToken(TestTokens.For(PlatformAudiences.Ambassadors, PlatformRoles.CooperativeManager, cooperativeId: cooperative));
            using var applied = await manager.PostAsJsonAsync("/api/ambassadors/me/ambassade",
                new { motivation = "Nous accueillons les porteurs de projet chaque jeudi matin." });
            var id = (await applied.ExpectAsync(201)).GetProperty("id").GetGuid();
            using var staff = context.Service.CreateClient(ServiceContext.Patience);
            staff.WithToken(await context.TokenAsync(PlatformRoles.ConfederationAdmin));
            foreach (var (step, body) in steps)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/ambassadors/ambassades/{id}/{step}")
                {
                    Content = JsonContent.Create(body),
                };
                request.Headers.TryAddWithoutValidation("If-Match", "*");
                using var response = await staff.SendAsync(request);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException(
                        $"ambassadors setup: {step} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }

            return id;
        }

        // The cooperative the manager's token names: known to the service, so that the manager's own requests are valid.
        await CooperativeAsync(context, Callers.ManagedCooperative);
        var reviewed = ("review", (object)review);
        var approved = ("approve", (object)new { });
        examples
            .Set("ambassades.id", await AmbassadeAsync())
            .Set("ReviewAmbassade.id", await AmbassadeAsync())
            .Set("RefuseAmbassade.id", await AmbassadeAsync())
            .Set("ApproveAmbassade.id", await AmbassadeAsync(reviewed))
            .Set("SuspendAmbassade.id", await AmbassadeAsync(reviewed, approved))
            .Set("WithdrawAmbassade.id", await AmbassadeAsync(reviewed, approved))
            .Set("ReinstateAmbassade.id", await AmbassadeAsync(reviewed, approved, ("suspend", new { reason = "Travaux de façade." })));

        // Enquiries: a labelled Ambassade receives them from anyone; one to read and answer, one to follow and withdraw.
        var receiving = await AmbassadeAsync(reviewed, approved);
        var enquiry = new
        {
            ambassade = receiving.ToString(), project = "Reprendre la boulangerie du village avec deux salariés.", sector = "10",
            communeCode = "69123", name = "Camille Martin", email = "camille.martin@example.coop", phone = "+33 6 12 34 56 78",
            consentToContact = true,
        };
        using var anonymous = context.Service.CreateClient(ServiceContext.Patience);
        var toAnswer = await (await anonymous.PostAsJsonAsync("/api/ambassadors/enquiries", enquiry)).ExpectAsync(201);
        var toWithdraw = await (await anonymous.PostAsJsonAsync("/api/ambassadors/enquiries", enquiry)).ExpectAsync(201);
        examples
            .Set("ambassade", JsonValue.Create(receiving.ToString()))
            .Set("project", JsonValue.Create(enquiry.project))
            .Set("SendEnquiry.sector", JsonValue.Create(enquiry.sector))
            .Set("name", JsonValue.Create(enquiry.name))
            .Set("phone", JsonValue.Create(enquiry.phone))
            .Set("consentToContact", JsonValue.Create(true))
            .Set("website", ExampleValues.Omitted)
            .Set("note", JsonValue.Create("Rappelé le porteur de projet : rendez-vous jeudi."))
            .Set("ambassadeId", receiving)
            .Set("GetDirectoryEntry.id", receiving)
            .Set("ListAmbassades.status", JsonValue.Create("Labelled"))
            .Set("ListEnquiries.status", JsonValue.Create("Received"))
            .Set("enquiries.id", toAnswer.GetProperty("id").GetGuid())
            .Set("FollowEnquiry.token", JsonValue.Create(toAnswer.GetProperty("followToken").GetString()))
            .Set("WithdrawEnquiry.token", JsonValue.Create(toWithdraw.GetProperty("followToken").GetString()));

        // Clubs: a qualified animator (training's TrainingCompleted of the module, on the bus), a club of an EPCI of
        // Auvergne-Rhône-Alpes with a member, another to close; each opening takes an area of its own.
        var reference = context.Service.Services.GetRequiredService<FrenchReferenceData>();
        var areas = new Queue<string>(reference.Communes.Where(c => c.Epci.Length == 9).GroupBy(c => c.Epci)
            .Where(g => g.All(c => c.Region == "84")).Select(g => g.Key).Order(StringComparer.Ordinal));
        var animator = await QualifiedAnimatorAsync(context);
        var secondAnimator = await QualifiedAnimatorAsync(context);
        using var clubStaff = context.Service.CreateClient(ServiceContext.Patience);
        clubStaff.WithToken(await context.TokenAsync(PlatformRoles.ConfederationAdmin));
        async Task<Guid> ClubAsync(string name) => (await (await clubStaff.PostAsJsonAsync("/api/ambassadors/clubs",
            new { name, epci = areas.Dequeue(), animators = new[] { animator } })).ExpectAsync(201)).GetProperty("id").GetGuid();
        var club = await ClubAsync("Club inter-SCOP de la matrice");
        var leaving = Guid.NewGuid();
        await (await clubStaff.PostAsJsonAsync($"/api/ambassadors/clubs/{club}/members", new { personId = leaving })).ExpectAsync(200);
        var today = ParisCalendar.Today(TimeProvider.System).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        examples
            .Set("clubs.id", club)
            .Set("CloseClub.id", await ClubAsync("Club inter-SCOP à fermer"))
            .Set("OpenClub.name", JsonValue.Create("Club inter-SCOP du Beaujolais"))
            .Set("epci", () => JsonValue.Create(areas.Dequeue()))
            .Set("animators", new JsonArray(JsonValue.Create(animator.ToString())))
            .Set("AddClubMember.personId", () => JsonValue.Create(Guid.NewGuid().ToString()))
            .Set("AddClubMember.cooperativeId", ExampleValues.Omitted)
            .Set("AddClubAnimator.personId", secondAnimator)
            .Set("AddClubAnimator.cooperativeId", ExampleValues.Omitted)
            .Set("RemoveClubMember.personId", leaving)
            .Set("ListClubs.status", JsonValue.Create("Open"))
            .Set("heldOn", JsonValue.Create(today))
            .Set("place", JsonValue.Create("Maison des SCOP, salle du rez-de-chaussée"))
            .Set("RecordClubMeeting.communeCode", JsonValue.Create("69123"))
            .Set("agenda", JsonValue.Create("Tour de table ; la reprise d'entreprises par les salariés."))
            .Set("attendance", new JsonArray(JsonValue.Create(animator.ToString())));
    }

    /// <summary>A person who completed the animators' module, as training's event tells the service.</summary>
    private static async Task<Guid> QualifiedAnimatorAsync(ServiceContext context)
    {
        var bus = context.Service.Services.GetRequiredService<IBus>();
        var person = Guid.NewGuid();
        var completed = new TrainingCompleted(Guid.NewGuid(), DateTimeOffset.UtcNow, person, Guid.NewGuid(), "Animer un club inter-SCOP",
            "ElectedOfficials", Guid.NewGuid(), $"CERT-{Guid.NewGuid():N}"[..16], ParisCalendar.Today(TimeProvider.System), "Employee",
            Callers.RegionalUnion, null);
        await bus.Publish(completed, c => c.MessageId = completed.EventId);
        await using var connection = new NpgsqlConnection(context.Service.DatabaseConnectionString);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow + ServiceContext.Patience;
        while (true)
        {
            await using var known = new NpgsqlCommand("SELECT count(*) FROM qualified_animators WHERE person_id = @p", connection);
            known.Parameters.AddWithValue("p", person);
            if ((long)(await known.ExecuteScalarAsync())! == 1)
            {
                return person;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"ambassadors did not learn the animator from training's event within {ServiceContext.Patience.TotalSeconds} s");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>A cooperative of Lyon as membership's events tell it to the service, its first dues paid.</summary>
    private static async Task<Guid> CooperativeAsync(ServiceContext context, Guid? id = null)
    {
        var bus = context.Service.Services.GetRequiredService<IBus>();
        var cooperative = id ?? Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        var today = ParisCalendar.DateOf(now);
        var joined = new CooperativeJoined(Guid.NewGuid(), now, cooperative, $"Scop des Canuts {cooperative.ToString("N")[^6..]}",
            Sirens.Next(), "SCOP", "69123", "62.01Z", Callers.RegionalUnion, 12);
        await bus.Publish(joined, c => c.MessageId = joined.EventId);
        var activated = new MembershipActivated(Guid.NewGuid(), now, Guid.NewGuid(), cooperative, Callers.RegionalUnion, today,
            today.AddYears(1).AddDays(-1));
        await bus.Publish(activated, c => c.MessageId = activated.EventId);

        await using var connection = new NpgsqlConnection(context.Service.DatabaseConnectionString);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow + ServiceContext.Patience;
        while (true)
        {
            await using var known = new NpgsqlCommand(
                "SELECT count(*) FROM cooperatives WHERE id = @c AND name <> '' AND membership_term_ends_on IS NOT NULL", connection);
            known.Parameters.AddWithValue("c", cooperative);
            if ((long)(await known.ExecuteScalarAsync())! == 1)
            {
                return cooperative;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"ambassadors did not learn the cooperative from membership's events within {ServiceContext.Patience.TotalSeconds} s");
            }

            await Task.Delay(100);
        }
    }
}
