namespace ClayBus.Enricher.RateLimiting;

/// <summary>
/// Maps Redis's clock (which times every slot) onto this process's monotonic clock, so a caller can tell how late it
/// woke for its slot. Every reply carries Redis's "now" and arrives after it, so the smallest gap seen is the best
/// estimate of the offset; it may creep up by 1 ms per second, which follows a slewed or stepped clock.
/// </summary>
internal sealed class RedisClock(TimeProvider time)
{
    private const double CreepPerSecond = 1000;
    private readonly Lock _gate = new();
    private double _offsetMicros = double.NaN;
    private long _observedAt;

    /// <summary>Records a reply from Redis stamped <paramref name="redisMicros"/>, received now.</summary>
    public void Observe(long redisMicros)
    {
        var now = time.GetTimestamp();
        var offset = Micros(now) - redisMicros;
        lock (_gate)
        {
            var allowed = double.IsNaN(_offsetMicros)
                ? offset
                : _offsetMicros + (time.GetElapsedTime(_observedAt, now).TotalSeconds * CreepPerSecond);
            _offsetMicros = Math.Min(offset, allowed);
            _observedAt = now;
        }
    }

    /// <summary>How long ago (negative: how far ahead) the Redis time <paramref name="redisMicros"/> is on this clock.</summary>
    public TimeSpan Since(long redisMicros)
    {
        double offset;
        lock (_gate)
        {
            offset = _offsetMicros;
        }

        return double.IsNaN(offset) ? TimeSpan.Zero : TimeSpan.FromMicroseconds(Micros(time.GetTimestamp()) - offset - redisMicros);
    }

    private double Micros(long timestamp) => timestamp * (1_000_000.0 / time.TimestampFrequency);
}
