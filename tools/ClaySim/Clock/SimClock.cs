using ClayBus.ClaySim.Workspace;

namespace ClayBus.ClaySim.Clock;

/// <summary>
/// Simulated time: enrichment latency and callback delays are written in Clay's real durations and run
/// <c>speedFactor</c> times faster, so a 30-minute wait takes seconds in a test. Rate limiting and fault time boxes
/// stay on the unscaled <see cref="TimeProvider"/>: clients of the ingest endpoint see real seconds.
/// </summary>
internal sealed class SimClock(TimeProvider time, SettingsBoard settings)
{
    public TimeProvider Time { get; } = time;

    public DateTimeOffset Now => Time.GetUtcNow();

    public TimeSpan Scale(TimeSpan simulated) => simulated / settings.Current.SpeedFactor;

    public Task DelayAsync(TimeSpan simulated, CancellationToken cancellation)
    {
        var real = Scale(simulated);
        return real <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(real, Time, cancellation);
    }
}
