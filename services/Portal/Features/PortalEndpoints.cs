using Scop.Aspire.Portal.Features.Content;
using Scop.Aspire.Portal.Features.Feed;
using Scop.Aspire.Portal.Features.Guide;
using Scop.Aspire.Portal.Features.Search;
using Scop.Aspire.Portal.Features.Sites;
using Scop.Aspire.Portal.Features.Spaces;
using Scop.Aspire.Portal.Features.Targets;
using Scop.Aspire.Portal.Features.Visits;

namespace Scop.Aspire.Portal.Features;

public static class PortalEndpoints
{
    public const string Prefix = "/api/portal";

    public static IEndpointRouteBuilder MapPortal(this IEndpointRouteBuilder app)
    {
        app.MapGroup(Prefix).WithTags("Sites").MapSites();
        app.MapGroup(Prefix).WithTags("Content").MapItems();
        app.MapGroup(Prefix).WithTags("Good-practice guide").MapGuide();
        app.MapGroup(Prefix).WithTags("Search").MapSearch();
        app.MapFeed();
        app.MapAtomFeed();
        app.MapGroup(Prefix).WithTags("Feed").MapSavedFilters();
        app.MapGroup(Prefix).WithTags("Visit statistics").MapVisits();
        app.MapGroup(Prefix).WithTags("Congress targets").MapTargets();
        app.MapGroup(Prefix).WithTags("Collaborative spaces").MapSpaces();
        return app;
    }
}
