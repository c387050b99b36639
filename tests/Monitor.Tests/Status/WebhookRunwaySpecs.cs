using ClayBus.Monitor.Status;

namespace ClayBus.Monitor.Tests.Status;

public class WebhookRunwaySpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Should_date_the_cap_at_the_recent_rate()
    {
        var usage = new WebhookUsage("tech", "…abc123", 40_000, 50_000, 0, true, false, Now);

        var runway = WebhookRunway.From(usage, sentInWindow: 1_000, TimeSpan.FromHours(1), Now);

        Assert.Equal(10_000, runway.Remaining);
        Assert.Equal(0.8, runway.UsedShare);
        Assert.Equal(Now.AddHours(10), runway.RunsOutAt);
    }

    [Fact]
    public void Should_not_date_an_uncapped_or_idle_webhook()
    {
        Assert.Null(WebhookRunway.From(new WebhookUsage("t", "w", 10, null, 0, false, false, Now), 100, TimeSpan.FromHours(1), Now).RunsOutAt);
        Assert.Null(WebhookRunway.From(new WebhookUsage("t", "w", 10, 50_000, 0, false, false, Now), 0, TimeSpan.FromHours(1), Now).RunsOutAt);
    }
}
