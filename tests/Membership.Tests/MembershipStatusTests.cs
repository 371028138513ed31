using Scop.Aspire.Membership.Domain;

namespace Scop.Aspire.Membership.Tests;

/// <summary>The membership status as a pure function of the paid terms and the day, at every boundary.</summary>
public sealed class MembershipStatusTests
{
    private static readonly TermSpan First = new(new DateOnly(2025, 3, 15), new DateOnly(2026, 3, 14));
    private static readonly TermSpan Second = new(new DateOnly(2026, 3, 15), new DateOnly(2027, 3, 14));

    [Theory]
    [InlineData("2025-03-14", MembershipStatus.Pending)] // paid in advance, not begun
    [InlineData("2025-03-15", MembershipStatus.New)] // first day of the first term
    [InlineData("2026-03-14", MembershipStatus.New)] // last day of the first term
    [InlineData("2026-03-15", MembershipStatus.Grace)] // the day after: grace
    [InlineData("2026-06-12", MembershipStatus.Grace)] // 90th day after the end: still grace
    [InlineData("2026-06-13", MembershipStatus.Expired)] // 91st day: expired
    [InlineData("2027-03-14", MembershipStatus.Expired)] // 365th day after the end
    [InlineData("2027-03-15", MembershipStatus.StruckOff)] // 366th day: struck off
    public void One_paid_term(string day, MembershipStatus expected) =>
        Assert.Equal(expected, MembershipRules.StatusOn([First], DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void No_paid_term_is_pending() => Assert.Equal(MembershipStatus.Pending, MembershipRules.StatusOn([], new DateOnly(2025, 1, 1)));

    [Theory]
    [InlineData("2026-03-15", MembershipStatus.Current)] // first day of the renewed term
    [InlineData("2027-03-14", MembershipStatus.Current)]
    [InlineData("2027-03-15", MembershipStatus.Grace)]
    public void A_renewed_membership_is_current_then_in_grace(string day, MembershipStatus expected) =>
        Assert.Equal(expected, MembershipRules.StatusOn([First, Second], DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Rolling_terms_last_a_year_and_calendar_terms_end_the_day_before_the_rollover()
    {
        Assert.Equal(new DateOnly(2026, 3, 14), MembershipRules.TermEndsOn(TermKind.Rolling, new DateOnly(2025, 3, 15), 1, 1));
        Assert.Equal(new DateOnly(2025, 12, 31), MembershipRules.TermEndsOn(TermKind.CalendarYear, new DateOnly(2025, 3, 15), 1, 1));
        Assert.Equal(new DateOnly(2025, 12, 31), MembershipRules.TermEndsOn(TermKind.CalendarYear, new DateOnly(2025, 1, 1), 1, 1));
        Assert.Equal(new DateOnly(2025, 8, 31), MembershipRules.TermEndsOn(TermKind.CalendarYear, new DateOnly(2025, 3, 15), 9, 1));
        Assert.Equal(new DateOnly(2026, 8, 31), MembershipRules.TermEndsOn(TermKind.CalendarYear, new DateOnly(2025, 9, 1), 9, 1));
    }

    [Fact]
    public void A_renewal_within_grace_extends_the_term_and_one_after_it_starts_on_its_payment_day()
    {
        Assert.Equal(new DateOnly(2026, 3, 15), MembershipRules.NextTermStartsOn([First], new DateOnly(2026, 2, 1))); // early
        Assert.Equal(new DateOnly(2026, 3, 15), MembershipRules.NextTermStartsOn([First], new DateOnly(2026, 6, 12))); // last grace day
        Assert.Equal(new DateOnly(2026, 6, 13), MembershipRules.NextTermStartsOn([First], new DateOnly(2026, 6, 13))); // lapsed: not back-dated
    }

    [Fact]
    public void History_keeps_the_gap_after_a_lapse()
    {
        var cooperative = TestCooperative();
        var membership = CooperativeMembership.Apply(cooperative, TermKind.Rolling, 1, 1, 50_000, new DateOnly(2024, 1, 1), DateTimeOffset.UnixEpoch);
        membership.Pay(50_000, new DateOnly(2024, 1, 10));
        membership.Pay(50_000, new DateOnly(2025, 9, 1)); // 235 days after the end of the first term
        Assert.Equal([new DateOnly(2024, 1, 10), new DateOnly(2025, 9, 1)], membership.Terms.Select(t => t.StartsOn));
        Assert.Equal(MembershipStatus.Expired, membership.StatusOn(new DateOnly(2025, 8, 31)));
        Assert.Equal(MembershipStatus.Current, membership.StatusOn(new DateOnly(2025, 9, 1)));
    }

    [Fact]
    public void The_lapse_is_reported_once_and_not_after_a_renewal()
    {
        var membership = CooperativeMembership.Apply(TestCooperative(), TermKind.Rolling, 1, 1, 50_000, new DateOnly(2024, 1, 1), DateTimeOffset.UnixEpoch);
        var term = membership.Pay(50_000, new DateOnly(2024, 1, 1));
        var afterGrace = term.EndsOn.AddDays(MembershipRules.GraceDays + 1);
        Assert.False(membership.TryReportLapse(term.EndsOn, afterGrace.AddDays(-1))); // still in grace
        Assert.True(membership.TryReportLapse(term.EndsOn, afterGrace));
        Assert.False(membership.TryReportLapse(term.EndsOn, afterGrace)); // once

        var renewed = CooperativeMembership.Apply(TestCooperative(), TermKind.Rolling, 1, 1, 50_000, new DateOnly(2024, 1, 1), DateTimeOffset.UnixEpoch);
        var old = renewed.Pay(50_000, new DateOnly(2024, 1, 1));
        renewed.Pay(50_000, old.EndsOn.AddDays(30));
        Assert.False(renewed.TryReportLapse(old.EndsOn, old.EndsOn.AddDays(MembershipRules.GraceDays + 1)));
    }

    [Fact]
    public void Card_numbers_carry_a_luhn_check_digit()
    {
        var number = MemberCard.NewNumber();
        Assert.True(MemberCard.TryNormalize(number, out _));
        Assert.Equal(0, Support.TestData.LuhnSum(number) % 10);
        var wrong = number[..^1] + (char)('0' + (number[^1] - '0' + 1) % 10);
        Assert.False(MemberCard.TryNormalize(wrong, out _));
    }

    private static Cooperative TestCooperative() =>
        Cooperative.Register("Test", "732829320", LegalForm.Scop, "69123", "62.01Z", "urscop-aura", DateTimeOffset.UnixEpoch);
}
