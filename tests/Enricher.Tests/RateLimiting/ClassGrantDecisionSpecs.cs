using ClayBus.Contracts.Submission;
using ClayBus.Enricher.RateLimiting;

namespace ClayBus.Enricher.Tests.RateLimiting;

/// <summary>
/// The limiter's priority rule with no Redis: single decisions, then many callers on a simulated clock at Clay's real
/// rate (10 records/s, client burst 17), as every Enricher's batches share one bucket.
/// </summary>
public sealed class ClassGrantDecisionSpecs
{
    private const double Interval = 1_000_000 / 9.95;
    private const int Burst = 17;
    private const long MaxAhead = 30_000_000;
    private static readonly RateLimitOptions Options = new();

    [Fact]
    public void Should_let_High_reserve_behind_everything_queued_within_the_reserve_limit()
    {
        var verdict = Ask(JobPriority.High, permits: 17, tat: Now + 10_000_000);

        Assert.True(verdict.Reserved);
        Assert.InRange(verdict.Wait, 10_000_000 - 1, 10_000_000 + 1);
    }

    [Fact]
    public void Should_refuse_Low_a_slot_beyond_its_horizon_and_ask_it_back_when_the_slot_is_near()
    {
        var verdict = Ask(JobPriority.Low, permits: 17, tat: Now + 2_000_000, lastGrant: Now - 1_000_000);

        Assert.False(verdict.Reserved);
        Assert.InRange(verdict.Wait, 2_000_000 - (Options.LowHorizonMilliseconds * 1000) - 1, 2_000_000 - (Options.LowHorizonMilliseconds * 1000) + 1);
    }

    [Fact]
    public void Should_give_Low_a_near_slot()
    {
        var verdict = Ask(JobPriority.Low, permits: 17, tat: Now + 150_000, lastGrant: Now - 1_000_000);

        Assert.True(verdict.Reserved);
        Assert.InRange(verdict.Wait, 149_999, 150_001);
    }

    [Fact]
    public void Should_put_High_behind_at_most_one_near_Low_request()
    {
        // Low took the nearest slot it may: High's one record comes right after it.
        var low = Ask(JobPriority.Low, permits: 17, tat: Now + (Options.LowHorizonMilliseconds * 1000), lastGrant: Now - 1_000_000);
        var high = Ask(JobPriority.High, permits: 1, tat: (long)low.NewTat);

        Assert.True(low.Reserved);
        Assert.True(high.Wait <= (Options.LowHorizonMilliseconds * 1000) + Interval + 1, $"High waits {high.Wait} µs");
    }

    [Fact]
    public void Should_owe_Low_its_minimum_share_after_a_long_wait_and_at_its_first_ask()
    {
        // 17 records at a tenth of the sustained 9.95 records/s.
        var owedAfter = ClassGrantDecision.TermsOf(JobPriority.Low, Options, 17, 1_000_000 / Interval).OwedAfterMicros;

        Assert.InRange(owedAfter, 17_085_000, 17_086_000);
        Assert.True(Ask(JobPriority.Low, permits: 17, tat: Now + 20_000_000, lastGrant: Now - owedAfter).Reserved);
        Assert.True(Ask(JobPriority.Low, permits: 17, tat: Now + 20_000_000, lastGrant: null).Reserved);
        var early = Ask(JobPriority.Low, permits: 17, tat: Now + 20_000_000, lastGrant: Now - owedAfter + 1_000_000);
        Assert.False(early.Reserved);
        Assert.InRange(early.Wait, 999_999, 1_000_001);
    }

    [Fact]
    public void Should_reserve_nothing_beyond_the_reserve_limit_whatever_the_class()
    {
        var verdict = Ask(JobPriority.High, permits: 17, tat: Now + MaxAhead + 5_000_000);

        Assert.False(verdict.Reserved);
        Assert.InRange(verdict.Wait, 4_999_999, 5_000_001);
    }

    [Fact]
    public void Should_deliver_a_hot_record_within_half_a_second_behind_a_saturating_backlog_and_keep_the_rate()
    {
        var random = new Random(16);
        var low = Enumerable.Range(0, 8).Select(i => new Caller(JobPriority.Low, 17, false, i * 1_000)).ToList();
        var hot = Enumerable.Range(0, 200).Select(_ => new Caller(JobPriority.High, 1, true, random.NextInt64(5_000_000, 300_000_000))).ToList();
        var run = Simulate([.. low, .. hot], until: 300_000_000);

        var worst = hot.Max(caller => caller.Waited);
        Assert.True(worst <= 500_000, $"a hot record waited {worst / 1000} ms");
        Assert.All(hot, caller => Assert.Equal(1, caller.Granted));
        Assert.True(run.RateUse >= 0.99, $"rate use {run.RateUse:F3}");
    }

    [Theory]
    [InlineData(JobPriority.High)]
    [InlineData(JobPriority.Normal)]
    public void Should_give_Low_its_minimum_share_while_a_higher_class_saturates(JobPriority higher)
    {
        var high = Enumerable.Range(0, 4).Select(i => new Caller(higher, 17, false, i * 1_000)).ToList();
        var low = Enumerable.Range(0, 4).Select(i => new Caller(JobPriority.Low, 17, false, 10_000 + (i * 1_000))).ToList();
        var run = Simulate([.. high, .. low], until: 600_000_000);

        var share = low.Sum(c => c.Granted) / (double)high.Concat(low).Sum(c => c.Granted);
        Assert.InRange(share, Options.LowerClassShare * 0.9, Options.LowerClassShare * 1.5);
        Assert.True(run.RateUse >= 0.99, $"rate use {run.RateUse:F3}");
    }

    [Fact]
    public void Should_put_Normal_ahead_of_every_Low_request_but_one()
    {
        var random = new Random(5);
        var low = Enumerable.Range(0, 8).Select(i => new Caller(JobPriority.Low, 17, false, i * 1_000)).ToList();
        var normal = Enumerable.Range(0, 100).Select(_ => new Caller(JobPriority.Normal, 17, true, random.NextInt64(20_000_000, 300_000_000))).ToList();
        var run = Simulate([.. low, .. normal], until: 300_000_000);

        // Low grants decided while a Normal request waited: the Low slot already near, at most one.
        var worst = normal.Max(n => run.Grants.Count(g => g.Priority == JobPriority.Low && g.At > n.FirstAsked && g.At < n.GrantedAt));
        Assert.True(worst <= 1, $"a Normal request waited behind {worst} Low requests");
    }

    private const long Now = 1_000_000_000_000;

    private static GrantVerdict Ask(JobPriority priority, int permits, double tat, long? lastGrant = null) =>
        ClassGrantDecision.Decide(new GrantAsk(Now, tat, Interval, Burst, permits, ClassGrantDecision.TermsOf(priority, Options, permits, 1_000_000 / Interval), lastGrant, MaxAhead));

    /// <summary>Each caller asks, sleeps to its slot (5 ms late, as a loaded process) and asks again; a refused one comes back when told.</summary>
    private static Run Simulate(List<Caller> callers, long until)
    {
        double tat = 0;
        var lastGrant = new Dictionary<JobPriority, long>();
        var grants = new List<(JobPriority Priority, long At)>();
        long records = 0;
        long lastSlot = 0;
        while (callers.Where(c => !c.Done).MinBy(c => c.Next) is { } caller && caller.Next < until)
        {
            var now = caller.Next;
            var terms = ClassGrantDecision.TermsOf(caller.Priority, Options, caller.Permits, 1_000_000 / Interval);
            var verdict = ClassGrantDecision.Decide(new GrantAsk(now, tat, Interval, Burst, caller.Permits, terms, lastGrant.TryGetValue(caller.Priority, out var last) ? last : null, MaxAhead));
            if (!verdict.Reserved)
            {
                caller.Next = now + verdict.Wait + 10_000;
                continue;
            }

            tat = verdict.NewTat;
            lastGrant[caller.Priority] = now;
            grants.Add((caller.Priority, now));
            var slot = now + verdict.Wait;
            caller.Waited = Math.Max(caller.Waited, slot - caller.Asked);
            caller.GrantedAt = now;
            caller.Granted += caller.Permits;
            records += caller.Permits;
            lastSlot = Math.Max(lastSlot, slot);
            caller.Next = slot + 5_000;
            caller.Asked = caller.Next;
            caller.Done = caller.Once;
        }

        // The bucket's first burst is free; the rest took until the last slot.
        return new Run(grants, (records - Burst) / (lastSlot / Interval));
    }

    private sealed record Run(List<(JobPriority Priority, long At)> Grants, double RateUse);

    private sealed class Caller(JobPriority priority, int permits, bool once, long start)
    {

        public JobPriority Priority => priority;

        public int Permits => permits;

        public bool Once => once;

        public long FirstAsked { get; } = start;

        public long Next { get; set; } = start;

        public long Asked { get; set; } = start;

        public long Waited { get; set; }

        public long GrantedAt { get; set; }

        public long Granted { get; set; }

        public bool Done { get; set; }
    }
}
