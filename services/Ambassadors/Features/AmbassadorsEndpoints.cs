using Scop.Aspire.Ambassadors.Features.Clubs;
using Scop.Aspire.Ambassadors.Features.Directory;
using Scop.Aspire.Ambassadors.Features.Enquiries;
using Scop.Aspire.Ambassadors.Features.Labels;
using Scop.Aspire.Ambassadors.Features.Targets;

namespace Scop.Aspire.Ambassadors.Features;

public static class AmbassadorsEndpoints
{
    public const string Prefix = "/api/ambassadors";

    public static IEndpointRouteBuilder MapAmbassadors(this IEndpointRouteBuilder app)
    {
        var directory = app.MapGroup(Prefix).WithTags("Public directory");
        directory.MapPublicDirectory();
        directory.MapNearestAmbassades();
        var labels = app.MapGroup(Prefix).WithTags("Ambassade label");
        labels.MapManagerLabel();
        labels.MapManagerPosition();
        labels.MapReadLabels();
        labels.MapLabelDecisions();
        var enquiries = app.MapGroup(Prefix).WithTags("Enquiries");
        enquiries.MapSendEnquiry();
        enquiries.MapFollowEnquiry();
        enquiries.MapAmbassadeEnquiries();
        app.MapGroup(Prefix).WithTags("Targets").MapAmbassadorTargets();
        var clubs = app.MapGroup(Prefix).WithTags("Clubs");
        clubs.MapPublicClubs();
        clubs.MapManageClubs();
        clubs.MapClubRoster();
        clubs.MapClubMeetings();
        return app;
    }
}
