using System.Collections.Concurrent;
using System.Diagnostics;
using ClayBus.Enricher.RateLimiting;
using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Testing;

namespace ClayBus.Enricher.Tests.RateLimiting;

/// <summary>
/// Three limiter instances on three Redis connections stand for three Enricher processes (in one test process, so
/// their grant times share one clock and can be compared exactly).
/// </summary>
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
        // Callers already queued at the deadline are served after it: measure up to the last grant.
        var expected = 10 + (50.0 * all.Max(g => g.Returned) / Stopwatch.Frequency);
        Assert.InRange(total, expected * 0.85, expected);
    }

    [Fact]
    public async Task Should_make_every_instance_wait_and_slow_down_after_a_429()
    {
        var options = Options($"backoff-{Guid.NewGuid():N}", recordsPerSecond: 100, burst: 20);
        var redis = await Keyspaces.ConnectAsync(infrastructure, 2);
        var first = new SharedRateLimiter(redis[0], new TestOptionsMonitor<RateLimitOptions>(options), TimeProvider.System, Metrics.Create());
        var second = new SharedRateLimiter(redis[1], new TestOptionsMonitor<RateLimitOptions>(options), TimeProvider.System, Metrics.Create());

        await first.BackOffAsync(TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();
        using var lease = await second.AcquireAsync(1);

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"waited only {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.InRange(second.CurrentRecordsPerSecond, 45, 60);
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
}
