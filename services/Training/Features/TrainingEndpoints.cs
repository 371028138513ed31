using Scop.Aspire.Training.Features.Bookings;
using Scop.Aspire.Training.Features.Catalogue;
using Scop.Aspire.Training.Features.Fund;
using Scop.Aspire.Training.Features.Passport;
using Scop.Aspire.Training.Features.Sessions;
using Scop.Aspire.Training.Features.Targets;
using Scop.Aspire.Training.Features.Waitlist;
using Scop.Aspire.Training.Features.WelcomeDay;

namespace Scop.Aspire.Training.Features;

public static class TrainingEndpoints
{
    public const string Prefix = "/api/training";

    public static IEndpointRouteBuilder MapTraining(this IEndpointRouteBuilder app)
    {
        var catalogue = app.MapGroup(Prefix).WithTags("Catalogue");
        catalogue.MapCreateCourse();
        catalogue.MapReadCourses();
        catalogue.MapListHolidays();

        var sessions = app.MapGroup(Prefix).WithTags("Sessions");
        sessions.MapCreateSession();
        sessions.MapReadSessions();
        sessions.MapChangeSessionStatus();

        var bookings = app.MapGroup(Prefix).WithTags("Bookings");
        bookings.MapCreateBooking();
        bookings.MapReadBookings();
        bookings.MapChangeBooking();
        bookings.MapRecordAttendance();

        app.MapGroup(Prefix).WithTags("Waiting lists").MapWaitlist();
        app.MapGroup(Prefix).WithTags("Mutual fund").MapMutualFund();
        app.MapGroup(Prefix).WithTags("Passport").MapPassport();
        app.MapGroup(Prefix).WithTags("Targets").MapTargets();
        app.MapGroup(Prefix).WithTags("Public").MapPublicTargets();
        app.MapGroup(Prefix).WithTags("Welcome day").MapInvitations();
        return app;
    }
}
