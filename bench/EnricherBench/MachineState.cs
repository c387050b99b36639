using System.Diagnostics;
using System.Globalization;

namespace ClayBus.EnricherBench;

/// <summary>
/// How busy the machine was during a window: the 1-minute load average at its end, and how late a 10 ms timer fired
/// (99th percentile). The limiter's callers sleep on such timers; a late wake is a request late for its slot.
/// </summary>
public sealed record MachineState(double Load, double TimerLateP99Ms)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    public static async Task<MachineState> DuringAsync(TimeSpan window)
    {
        var late = new List<double>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < window)
        {
            var asked = clock.Elapsed;
            await Task.Delay(Tick);
            late.Add((clock.Elapsed - asked - Tick).TotalMilliseconds);
        }

        late.Sort();
        var p99 = late.Count == 0 ? 0 : late[Math.Min(late.Count - 1, (int)(late.Count * 0.99))];
        return new MachineState(await LoadAsync(), p99);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"machine load {Load:F1}, 10 ms timer late by {TimerLateP99Ms:F1} ms at p99");

    private static async Task<double> LoadAsync()
    {
        var text = File.Exists("/proc/loadavg") ? await File.ReadAllTextAsync("/proc/loadavg") : "";
        return double.TryParse(text.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : double.NaN;
    }
}
