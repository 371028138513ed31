namespace Scop.Aspire.Ambassadors;

/// <summary>The rules of the Ambassades and clubs that the federation may tune (<c>Scop:Ambassadors</c>).</summary>
public sealed class AmbassadorsOptions
{
    public const string Section = "Scop:Ambassadors";

    /// <summary>The most Ambassades one nearest search answers.</summary>
    public const int MaxNearest = 50;

    /// <summary>How many years a label lasts from its decision (or from the end of the term it renews).</summary>
    public int LabelYears { get; set; } = 3;

    /// <summary>How long before a label's end its renewal is asked for (the reminder's durable timer).</summary>
    public TimeSpan RenewalNotice { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The title of the animators' module in training's elected-officials path (compared ignoring case and accents).</summary>
    public string AnimatorsModuleTitle { get; set; } = "Animer un club inter-SCOP";

    /// <summary>How long a club may go without a meeting before it is flagged dormant.</summary>
    public TimeSpan ClubDormantAfter { get; set; } = TimeSpan.FromDays(183);
}
