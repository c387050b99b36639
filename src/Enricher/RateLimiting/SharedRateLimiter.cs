using System.Diagnostics;
using System.Threading.RateLimiting;
using ClayBus.Enricher.Delivery;
using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Enricher.RateLimiting;

/// <summary>
/// The workspace-wide limit in records per second, shared by every Enricher process through Redis and exposed as a
/// standard <see cref="RateLimiter"/> (one permit = one record) so Polly's rate-limiter strategy can apply it.
/// </summary>
public sealed class SharedRateLimiter(
    RedisKeyspace redis,
    IOptionsMonitor<RateLimitOptions> options,
    TimeProvider time,
    DeliveryMetrics metrics) : RateLimiter
{
    private long _currentMilliRate = (long)(options.CurrentValue.RecordsPerSecond * 1000);

    public override TimeSpan? IdleDuration => null;

    /// <summary>The shared rate as last seen from Redis (after 429 decreases and increases).</summary>
    public double CurrentRecordsPerSecond => Interlocked.Read(ref _currentMilliRate) / 1000.0;

    private RedisKey StateKey => $"ratelimit:{options.CurrentValue.Workspace}";

    public override RateLimiterStatistics? GetStatistics() => null;

    /// <summary>Tells every process that Clay answered 429: wait <paramref name="retryAfter"/> and slow the shared rate down.</summary>
    public async Task BackOffAsync(TimeSpan retryAfter)
    {
        var o = options.CurrentValue;
        var rate = (long)await redis.Database.ScriptEvaluateAsync(
            SharedRateScripts.Backoff,
            [StateKey],
            [(long)(retryAfter.TotalMilliseconds * 1000), o.RecordsPerSecond, o.EffectiveBurst, o.IncreasePerSecond, o.DecreaseFactor, Minimum(o)]);
        Interlocked.Exchange(ref _currentMilliRate, rate);
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        // Asking Redis synchronously would block a thread: only the trivial request is answered here.
        permitCount == 0 ? Lease.Granted : Lease.Denied(TimeSpan.Zero);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, o.EffectiveBurst);
        if (permitCount == 0)
        {
            return Lease.Granted;
        }

        var started = Stopwatch.GetTimestamp();
        var maxAhead = TimeSpan.FromSeconds(o.MaxReserveAheadSeconds);
        while (true)
        {
            var result = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(
                SharedRateScripts.Reserve,
                [StateKey],
                [permitCount, o.RecordsPerSecond, o.EffectiveBurst, o.IncreasePerSecond, (long)(maxAhead.TotalMilliseconds * 1000), Minimum(o)]))!;
            Interlocked.Exchange(ref _currentMilliRate, (long)result[2]);
            var wait = TimeSpan.FromMicroseconds((long)result[1]);
            if ((long)result[0] == 1)
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken);
                }

                metrics.LimiterWaited(Stopwatch.GetElapsedTime(started));
                return Lease.Granted;
            }

            // The queue ahead is longer than we reserve for: come back when our slot would be within reach.
            await Task.Delay(wait - maxAhead + TimeSpan.FromMilliseconds(10), time, cancellationToken);
        }
    }

    private static double Minimum(RateLimitOptions o) => o.RecordsPerSecond * o.MinimumShare;

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public static Lease Denied(TimeSpan retryAfter) => new(false, retryAfter);

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
