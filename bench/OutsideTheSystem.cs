using System.Globalization;

namespace Scop.Aspire.Bench;

/// <summary>
/// The CPU the machine spent on anything but the system under test and the bench, second by second: other programs
/// (short-lived commands included, which no per-process sample sees), the kernel's own threads, interrupts. It is the
/// machine's busy time (/proc/stat) less the time of the system's processes and the bench's. About a tenth of a core
/// is the kernel's, steadily; a second well above that is something else taking the cores the half-rate load shares,
/// and a tail measured then speaks of the machine as much as of the system.
/// </summary>
public static class OutsideTheSystem
{
    /// <summary>
    /// A second above this is reported. Undisturbed half-rate phases stayed at 0.35 cores or below (a per-second
    /// sampler running beside the bench included); a command run beside it took 0.3 to 1 core.
    /// </summary>
    public const double NoticeableCores = 0.4;

    public static EverySecond Watch(CpuSampler cpu)
    {
        var previous = cpu.Take();
        return new EverySecond("outside-the-system", NoticeableCores, _ =>
        {
            var current = cpu.Take();
            var seconds = CpuSampler.OutsideSystemSeconds(previous, current);
            previous = current;
            return seconds;
        });
    }

    public static string Line(SecondTotals totals) => string.Create(CultureInfo.InvariantCulture,
        $"the machine spent {totals.CpuSeconds:0.##} s of CPU outside the system and the bench (busiest second "
        + $"{totals.BusiestSecondCores:0.##} cores, {totals.SecondsOverThreshold} seconds over {NoticeableCores})");
}
