using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ClayBus.Enricher.RateLimiting;
using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Testing;

namespace ClayBus.Enricher.Tests.RateLimiting;

/// <summary>
/// Three limiter instances on three Redis connections stand for three Enricher processes (in one test process, so
/// their grant times share one clock and can be compared exactly).
/// </summary>
[Trait("Category", "Integration")]
public sealed class SharedRateLimiterSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private static readonly TimeSpan Run = TimeSpan.FromSeconds(Environment.GetEnvironmentVariable("CLAYBUS_FULL") == "1" ? 20 : 4);

    [Fact]
    public async Task Should_never_grant_more_than_burst_plus_rate_across_three_instances()
    {
        var options = Options($"exact-{Guid.NewGuid():N}", recordsPerSecond: 50, burst: 10);
        var limiters = (await Keyspaces.ConnectAsync(infrastructure, 3))
            .Select(redis => new SharedRateLimiter(redis, new TestOptionsMonitor<RateLimitOptions>(options), TimeProvider.System, Metrics.Create()))
            .ToArray();
        var grants = new ConcurrentQueue<Grant>();
        var clock = Stopwatch.StartNew();

        // Four concurrent callers per instance, asking for 5 records at a time.
        await Task.WhenAll(limiters.SelectMany(limiter => Enumerable.Range(0, 4).Select(async _ =>
        {
            while (clock.Elapsed < Run)
            {
                var asked = clock.ElapsedTicks;
                using var lease = await limiter.AcquireAsync(5);
                Assert.True(lease.IsAcquired);
                grants.Enqueue(new Grant(asked, clock.ElapsedTicks, 5));
            }
        })));

        // A grant happened somewhere between its ask and its return, and a busy machine can stretch that by hundreds
        // of milliseconds. So the sound check is: the grants asked at or after a and returned by b all happened within
        // [a, b], and they may not exceed the burst plus the rate over that span.
        var all = grants.ToArray();
        var worstExcess = double.MinValue;
        foreach (var from in all.Select(g => g.Asked).Distinct())
        {
            foreach (var until in all.Select(g => g.Returned).Where(t => t >= from).Distinct())
            {
                var records = all.Where(g => g.Asked >= from && g.Returned <= until).Sum(g => g.Records);
                var allowed = 10 + (50.0 * (until - from) / Stopwatch.Frequency);
                worstExcess = Math.Max(worstExcess, records - allowed);
            }
        }

        // One record (20 ms at this rate) for the limiter timing its waits by Redis's clock and this test by its own.
        Assert.True(worstExcess <= 1, $"a window saw {worstExcess:F1} records over burst + rate");
        var total = all.Sum(g => g.Records);
        // Callers already queued at the deadline are served after it: measure up to the last grant, with the same one
        // record for the two clocks (a fresh-clone run granted 265 against 264.98).
        var expected = 10 + (50.0 * all.Max(g => g.Returned) / Stopwatch.Frequency);
        Assert.InRange(total, expected * 0.85, expected + 1);
    }

    [Fact]
    public async Task Should_run_at_the_sustained_share_of_clays_rate_while_callers_queue()
    {
        // 50 records/s at a share of 0.8: 40 records/s once the bucket (10) is spent. At Clay's full rate the run
        // would grant a quarter more than the bound below.
        var options = Options($"share-{Guid.NewGuid():N}", recordsPerSecond: 50, burst: 10);
        options.SustainedShare = 0.8;
        var limiter = new SharedRateLimiter(await Keyspaces.ConnectAsync(infrastructure), new TestOptionsMonitor<RateLimitOptions>(options), TimeProvider.System, Metrics.Create());
        var clock = Stopwatch.StartNew();
        var granted = 0;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(3))
            {
                using var lease = await limiter.AcquireAsync(5);
                Assert.True(lease.IsAcquired);
                Interlocked.Add(ref granted, 5);
            }
        }));

        var sustained = 10 + (40 * clock.Elapsed.TotalSeconds);
        Assert.InRange(granted, sustained * 0.85, sustained + 1);
        Assert.Equal(40, limiter.CurrentRecordsPerSecond, 3);
    }

    [Fact]
    public async Task Should_make_every_instance_wait_and_trim_the_rate_after_an_isolated_429()
    {
        var options = Options($"backoff-{Guid.NewGuid():N}", recordsPerSecond: 100, burst: 20);
        var redis = await Keyspaces.ConnectAsync(infrastructure, 2);
        var first = new SharedRateLimiter(redis[0], new TestOptionsMonitor<RateLimitOptions>(options), TimeProvider.System, Metrics.Create());
        var second = new SharedRateLimiter(redis[1], new TestOptionsMonitor<RateLimitOptions>(options), TimeProvider.System, Metrics.Create());

        await first.BackOffAsync(TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();
        using var lease = await second.AcquireAsync(1);

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"waited only {clock.Elapsed.TotalMilliseconds:F0} ms");
        // One 429 after a quiet spell: × IsolatedDecreaseFactor (0.9), plus what the additive increase regained since.
        Assert.InRange(second.CurrentRecordsPerSecond, 89, 95);
    }

    [Fact]
    public async Task Should_halve_the_rate_when_a_429_follows_another_within_the_repeat_window()
    {
        var options = Options($"repeat-{Guid.NewGuid():N}", recordsPerSecond: 100, burst: 20);
        var limiter = new SharedRateLimiter(await Keyspaces.ConnectAsync(infrastructure), new TestOptionsMonitor<RateLimitOptions>(options), TimeProvider.System, Metrics.Create());

        await limiter.BackOffAsync(TimeSpan.Zero);
        var trimmed = limiter.CurrentRecordsPerSecond;
        // Within one Retry-After window (at least a second) the same storm cuts once; the next window cuts again.
        await Eventually.Until(
            async () =>
            {
                await limiter.BackOffAsync(TimeSpan.Zero);
                return limiter.CurrentRecordsPerSecond < trimmed * 0.75;
            },
            TimeSpan.FromSeconds(5),
            "a second cut within the repeat window");

        Assert.InRange(trimmed, 89, 92);
        // (90 + what the increase regained in the second between) × DecreaseFactor (0.5).
        Assert.InRange(limiter.CurrentRecordsPerSecond, 45, 48);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_recall_a_slot_that_falls_inside_the_retry_after_in_this_process_and_in_others(bool answeredInAnotherProcess)
    {
        // 2 records/s and a bucket of one: the second caller's slot is half a second away. A limiter on its own Redis
        // connection stands for another Enricher process of the workspace.
        var options = Options($"recall-{Guid.NewGuid():N}", recordsPerSecond: 2, burst: 1);
        var holder = new SharedRateLimiter(await Keyspaces.ConnectAsync(infrastructure), new TestOptionsMonitor<RateLimitOptions>(options), TimeProvider.System, Metrics.Create());
        var answeredBy429 = answeredInAnotherProcess
            ? new SharedRateLimiter(await Keyspaces.ConnectAsync(infrastructure), new TestOptionsMonitor<RateLimitOptions>(options), TimeProvider.System, Metrics.Create())
            : holder;
        using (await holder.AcquireAsync(1))
        {
        }

        var clock = Stopwatch.StartNew();
        var waiting = holder.AcquireAsync(1).AsTask();
        await Eventually.Until(() => clock.Elapsed > TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), "the caller holding its slot");
        Assert.False(waiting.IsCompleted);
        var backedOffAt = clock.Elapsed;
        await answeredBy429.BackOffAsync(TimeSpan.FromSeconds(2));
        using var lease = await waiting;

        Assert.True(lease.IsAcquired);
        Assert.True(clock.Elapsed - backedOffAt >= TimeSpan.FromMilliseconds(1950), $"sent {(clock.Elapsed - backedOffAt).TotalMilliseconds:F0} ms after a 2 s Retry-After");
    }

    [Fact]
    public async Task Should_give_up_a_slot_it_woke_too_late_for_and_take_a_new_one()
    {
        // 10 records/s, a bucket of 2 with one record of margin: 100 ms of headroom, so a wake 50 ms late is too late.
        var options = Options($"late-{Guid.NewGuid():N}", recordsPerSecond: 10, burst: 2);
        options.BurstMargin = 1;
        var metrics = Metrics.Create();
        var missed = new ConcurrentQueue<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == metrics.Meter && instrument.Name == "claybus.limiter.slot_missed")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, late, _, _) => missed.Enqueue(late));
        listener.Start();
        // Every timer fires 300 ms late, as in a process stalled by a loaded machine.
        var limiter = new SharedRateLimiter(await Keyspaces.ConnectAsync(infrastructure), new TestOptionsMonitor<RateLimitOptions>(options), new StalledTimers(TimeSpan.FromMilliseconds(300)), metrics);

        using (await limiter.AcquireAsync(1))
        {
        }

        using var lease = await limiter.AcquireAsync(1);

        Assert.True(lease.IsAcquired);
        var late = Assert.Single(missed);
        Assert.True(late >= 250, $"missed by {late:F0} ms");
    }

    [Fact]
    public void Should_turn_the_headroom_into_records_at_the_configured_rate()
    {
        var clay = new RateLimitOptions { RecordsPerSecond = 10, Burst = 20, HeadroomMilliseconds = 250 };
        var fast = new RateLimitOptions { RecordsPerSecond = 200, Burst = 20, HeadroomMilliseconds = 250 };
        var fixedMargin = new RateLimitOptions { RecordsPerSecond = 200, Burst = 20, BurstMargin = 4 };

        // 10/s × 250 ms = 2.5 records, rounded up: 300 ms held.
        Assert.Equal((3, 17), (clay.Margin, clay.EffectiveBurst));
        Assert.Equal(TimeSpan.FromMilliseconds(300), clay.EffectiveHeadroom);
        Assert.Equal(TimeSpan.FromMilliseconds(150), clay.LateGrantLimit);
        // 200/s × 250 ms = 50 records: more than half the bucket, so half of it (50 ms) is what is held.
        Assert.Equal((10, 10), (fast.Margin, fast.EffectiveBurst));
        Assert.Equal(TimeSpan.FromMilliseconds(50), fast.EffectiveHeadroom);
        Assert.Equal((4, 16), (fixedMargin.Margin, fixedMargin.EffectiveBurst));
    }

    [Fact]
    public async Task Should_refuse_a_request_larger_than_the_client_burst()
    {
        var options = Options($"large-{Guid.NewGuid():N}", recordsPerSecond: 10, burst: 20);
        options.BurstMargin = 4;
        var limiter = new SharedRateLimiter(await Keyspaces.ConnectAsync(infrastructure), new TestOptionsMonitor<RateLimitOptions>(options), TimeProvider.System, Metrics.Create());

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await limiter.AcquireAsync(17));
    }

    private static RateLimitOptions Options(string workspace, double recordsPerSecond, int burst) => new()
    {
        Workspace = workspace,
        RecordsPerSecond = recordsPerSecond,
        Burst = burst,
        BurstMargin = 0,
        IncreasePerSecond = 1,
    };

    private sealed record Grant(long Asked, long Returned, int Records);

    private sealed class StalledTimers(TimeSpan stall) : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            TimeProvider.System.CreateTimer(callback, state, dueTime > TimeSpan.Zero ? dueTime + stall : dueTime, period);
    }
}
