using System.Diagnostics;
using ClayBus.Contracts.Submission;
using ClayBus.Enricher.RateLimiting;
using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Testing;

namespace ClayBus.Enricher.Tests.RateLimiting;

/// <summary>
/// The priority rule through the Reserve script on the real Redis (ClassGrantDecisionSpecs check the rule itself):
/// two limiter instances stand for two Enrichers whose Low slots keep the bucket busy at Clay's rate.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PriorityLimiterSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_grant_High_and_Normal_ahead_of_a_saturating_Low_backlog()
    {
        var options = new RateLimitOptions { Workspace = $"priority-{Guid.NewGuid():N}", RecordsPerSecond = 10, Burst = 20 };
        var limiters = (await Keyspaces.ConnectAsync(infrastructure, 2))
            .Select(redis => new SharedRateLimiter(redis, new TestOptionsMonitor<RateLimitOptions>(options), TimeProvider.System, Metrics.Create()))
            .ToArray();
        using var stop = new CancellationTokenSource();
        var lowRecords = 0;
        var backlog = limiters.SelectMany(limiter => Enumerable.Range(0, 4).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var lease = await limiter.AcquireForAsync(options.EffectiveBurst, JobPriority.Low, CancellationToken.None);
                Interlocked.Add(ref lowRecords, options.EffectiveBurst);
            }
        })).ToArray();
        await Eventually.Until(() => Volatile.Read(ref lowRecords) >= 60, TimeSpan.FromSeconds(30), "the Low backlog under way");

        var high = await WaitAsync(limiters[0], JobPriority.High, 1);

        // A Normal job of four 5-row batches, as the end-to-end spec submits it: all four are served first.
        var normals = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => WaitAsync(limiters[1], JobPriority.Normal, 5)));
        var normal = normals.Max();
        await stop.CancelAsync();
        await Task.WhenAll(backlog);

        // Behind at most one near Low request (200 ms) and the asker's own records, with room for a loaded machine.
        Assert.True(high < TimeSpan.FromMilliseconds(900), $"High waited {high.TotalMilliseconds:F0} ms");
        Assert.True(normal < TimeSpan.FromMilliseconds(3_000), $"Normal waited {string.Join(", ", normals.Select(n => n.TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))} ms");
    }

    private static async Task<TimeSpan> WaitAsync(SharedRateLimiter limiter, JobPriority priority, int records)
    {
        var asked = Stopwatch.GetTimestamp();
        using var lease = await limiter.AcquireForAsync(records, priority, CancellationToken.None);
        Assert.True(lease.IsAcquired);
        return Stopwatch.GetElapsedTime(asked);
    }
}
