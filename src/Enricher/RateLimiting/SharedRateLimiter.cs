using System.Diagnostics;
using System.Threading.RateLimiting;
using ClayBus.Contracts.Submission;
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
    // A slot given up this many times in a row is taken anyway: on a machine too busy to wake on time the 429 path
    // (wait Retry-After, slow down) is left to cope, rather than a caller that never sends.
    private const int MaxLateRetries = 3;

    private readonly RedisClock _clock = new(time);
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private int _listening;
    private long _currentMilliRate = (long)(options.CurrentValue.SustainedRecordsPerSecond * 1000);
    private CancellationTokenSource _recall = new();

    public override TimeSpan? IdleDuration => null;

    /// <summary>The shared rate as last seen from Redis (after 429 decreases and increases).</summary>
    public double CurrentRecordsPerSecond => Interlocked.Read(ref _currentMilliRate) / 1000.0;

    private RedisKey StateKey => $"ratelimit:{options.CurrentValue.Workspace}";

    public override RateLimiterStatistics? GetStatistics() => null;

    /// <summary>Tells every process that Clay answered 429: wait <paramref name="retryAfter"/> and slow the shared rate down.</summary>
    public async Task BackOffAsync(TimeSpan retryAfter)
    {
        var o = options.CurrentValue;
        var rate = (await SharedRateScripts.BackoffAsync(redis.Database, StateKey, retryAfter, o))[0];
        Interlocked.Exchange(ref _currentMilliRate, rate);

        // Callers already holding a slot inside the Retry-After would send into it: they ask again, and the bucket,
        // pushed past the Retry-After, gives them later slots. This process's callers at once; other processes' on
        // the recall channel (best effort: if it is lost, only their slots already granted still go out).
        await RecallAsync();
        try
        {
            await redis.Connection.GetSubscriber().PublishAsync(RecallChannel, _instance);
        }
        catch (RedisException)
        {
        }
    }

    private RedisChannel RecallChannel => RedisChannel.Literal($"{redis.Prefix}ratelimit:{options.CurrentValue.Workspace}:recall");

    private Task RecallAsync() => Interlocked.Exchange(ref _recall, new CancellationTokenSource()).CancelAsync();

    private async Task ListenForRecallsAsync()
    {
        if (Interlocked.Exchange(ref _listening, 1) == 1)
        {
            return;
        }

        try
        {
            await redis.Connection.GetSubscriber().SubscribeAsync(RecallChannel, (channel, sender) =>
            {
                if (sender != _instance)
                {
                    _ = RecallAsync();
                }
            });
        }
        catch (RedisException)
        {
            // Asked again on the next acquire.
            Volatile.Write(ref _listening, 0);
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        // Asking Redis synchronously would block a thread: only the trivial request is answered here.
        permitCount == 0 ? Lease.Granted : Lease.Denied(TimeSpan.Zero);

    // Without a class a caller reserves as far ahead as High does: the limiter's behaviour before priorities.
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        AcquireForAsync(permitCount, null, cancellationToken);

    /// <summary>Waits for a slot of <paramref name="permitCount"/> records in the order of <paramref name="priority"/> (see <see cref="ClassGrantDecision"/>).</summary>
    public async ValueTask<RateLimitLease> AcquireForAsync(int permitCount, JobPriority? priority, CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, o.EffectiveBurst);
        if (permitCount == 0)
        {
            return Lease.Granted;
        }

        if (Volatile.Read(ref _listening) == 0)
        {
            await ListenForRecallsAsync();
        }

        var started = Stopwatch.GetTimestamp();
        var maxAhead = TimeSpan.FromSeconds(o.MaxReserveAheadSeconds);
        var lateRetries = 0;
        while (true)
        {
            var recall = Volatile.Read(ref _recall).Token;
            var terms = priority is { } p
                ? ClassGrantDecision.TermsOf(p, o, permitCount, CurrentRecordsPerSecond)
                : new ClassTerms((long)(maxAhead.TotalMilliseconds * 1000), 0);
            var result = await SharedRateScripts.ReserveAsync(redis.Database, StateKey, permitCount, o, terms, priority?.ToString() ?? string.Empty);
            var redisNow = result[3];
            _clock.Observe(redisNow);
            Interlocked.Exchange(ref _currentMilliRate, result[2]);
            var wait = TimeSpan.FromMicroseconds(result[1]);
            if (result[0] == 0)
            {
                // The queue ahead is longer than this class reserves for: come back when the slot would be within reach.
                await Task.Delay(wait + TimeSpan.FromMilliseconds(10), time, cancellationToken);
                continue;
            }

            if (!await SleepUntilSlotAsync(wait, recall, cancellationToken))
            {
                continue;
            }

            // Sent now, a request this late would arrive at Clay bunched with the next ones and find its bucket short.
            var slot = redisNow + result[1];
            var late = _clock.Since(slot);
            if (o.LateGrantLimit > TimeSpan.Zero && late > o.LateGrantLimit && lateRetries < MaxLateRetries)
            {
                lateRetries++;
                metrics.LimiterSlotMissed(late);
                continue;
            }

            metrics.LimiterWaited(Stopwatch.GetElapsedTime(started));
            return Lease.Granted;
        }
    }

    /// <returns>False when a 429 recalled the slot.</returns>
    private async Task<bool> SleepUntilSlotAsync(TimeSpan wait, CancellationToken recall, CancellationToken cancellationToken)
    {
        if (recall.IsCancellationRequested)
        {
            return false;
        }

        if (wait <= TimeSpan.Zero)
        {
            return true;
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(recall, cancellationToken);
        try
        {
            await Task.Delay(wait, time, either.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _recall.Dispose();
        }

        base.Dispose(disposing);
    }

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
