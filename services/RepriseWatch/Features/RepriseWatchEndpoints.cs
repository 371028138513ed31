using Scop.Aspire.RepriseWatch.Features.Figures;
using Scop.Aspire.RepriseWatch.Features.JobPremiums;
using Scop.Aspire.RepriseWatch.Features.Opportunities;
using Scop.Aspire.RepriseWatch.Features.Pool;
using Scop.Aspire.RepriseWatch.Features.SeedFund;

namespace Scop.Aspire.RepriseWatch.Features;

public static class RepriseWatchEndpoints
{
    public const string Prefix = "/api/reprise-watch";

    public static IEndpointRouteBuilder MapRepriseWatch(this IEndpointRouteBuilder app)
    {
        var opportunities = app.MapGroup(Prefix).WithTags("Opportunities");
        opportunities.MapReportOpportunity();
        opportunities.MapReadOpportunities();
        opportunities.MapMoveOpportunity();
        var pool = app.MapGroup(Prefix).WithTags("Pool of future managers");
        pool.MapManagerPool();
        pool.MapCandidates();
        var fund = app.MapGroup(Prefix).WithTags("Seed fund");
        fund.MapCompartments();
        fund.MapFinancingRequests();
        var premium = app.MapGroup(Prefix).WithTags("Job premium");
        premium.MapPremiumYears();
        premium.MapPremiums();
        app.MapGroup(Prefix).WithTags("Figures").MapWatchFigures();
        return app;
    }
}
