using ClayBus.Enricher.Webhooks;

namespace ClayBus.Enricher.Tests.Webhooks;

/// <summary>The table gate's decisions, without Redis: warn, stop, auto-delete, spent pool, invalid settings.</summary>
public sealed class TableGateSpecs
{
    private static readonly WebhookPoolOptions Pool = new() { WarnAt = 40_000, RotateAt = 45_000, HardCap = 50_000 };
    private static readonly TableLimits Defaults = TableLimits.Of(new TableOptions());

    [Fact]
    public void Should_default_to_45000_rows_and_warn_at_40000()
    {
        Assert.Equal(45_000, Defaults.MaxRows);
        Assert.Equal(40_000, Defaults.WarnRows);
        Assert.Equal(800, TableLimits.Of(new TableOptions { MaxRows = 900 }).WarnRows);
        Assert.Equal(10, TableLimits.Of(new TableOptions { MaxRows = 900, WarnRows = 10 }).WarnRows);
    }

    [Theory]
    [InlineData(0, false, TableWait.None)]
    [InlineData(39_999, false, TableWait.None)]
    [InlineData(40_000, true, TableWait.None)]
    [InlineData(44_999, true, TableWait.None)]
    [InlineData(45_000, true, TableWait.TableFull)]
    [InlineData(60_000, true, TableWait.TableFull)]
    public void Should_warn_then_stop_at_MaxRows(long rows, bool warn, TableWait wait)
    {
        var verdict = TableGate.Decide("leads", [], Defaults, State(rows, 0, 10), Pool);

        Assert.Equal(wait, verdict.Wait);
        Assert.Equal(warn, verdict.Warn);
    }

    [Fact]
    public void Should_name_the_table_the_key_and_the_fix_when_full()
    {
        var verdict = TableGate.Decide("leads-eu", [], Defaults, State(45_000, 20_000, 25_000), Pool);

        Assert.Contains("Tables:leads-eu:MaxRows is 45000", verdict.Detail, StringComparison.Ordinal);
        Assert.Contains("new Clay table", verdict.Detail, StringComparison.Ordinal);
        Assert.Contains("Tables:leads-eu:AutoDelete", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_stay_full_below_MaxRows_when_a_reservation_found_no_room_until_MaxRows_is_raised()
    {
        var limits = TableLimits.Of(new TableOptions { MaxRows = 300 });
        var found = new TableState(290, 300, true, [290]);

        Assert.Equal(TableWait.TableFull, TableGate.Decide("t", [], limits, found, Pool).Wait);
        Assert.Equal(TableWait.None, TableGate.Decide("t", [], limits with { MaxRows = 400 }, found, Pool).Wait);
    }

    [Fact]
    public void Should_never_stop_or_warn_an_auto_delete_table()
    {
        var limits = TableLimits.Of(new TableOptions { AutoDelete = true });
        var verdict = TableGate.Decide("t", [], limits, State(1_000_000, 500_000, 500_000), Pool);

        Assert.Equal(TableWait.None, verdict.Wait);
        Assert.False(verdict.Warn);
    }

    [Fact]
    public void Should_not_warn_twice()
    {
        Assert.False(TableGate.Decide("t", [], Defaults, new TableState(41_000, null, true, [41_000]), Pool).Warn);
    }

    [Theory]
    [InlineData(new long[] { 45_000, 45_000 }, TableWait.PoolSpent)]
    [InlineData(new long[] { 45_000, 44_999 }, TableWait.None)]
    [InlineData(new long[] { }, TableWait.PoolSpent)]
    public void Should_wait_when_no_webhook_has_room(long[] counts, TableWait wait)
    {
        // A table above any one webhook's cap: only the webhooks can stop it here.
        var limits = new TableLimits(false, 1_000_000, 900_000);
        Assert.Equal(wait, TableGate.Decide("t", [], limits, new TableState(counts.Sum(), null, true, counts), Pool).Wait);
    }

    [Fact]
    public void Should_wait_on_invalid_settings_before_anything_else_and_name_the_key()
    {
        var table = new TableOptions
        {
            MaxRows = 60_000,
            Webhooks = [new WebhookEndpointOptions { Url = "https://api.clay.com/v3/sources/webhook/ok" }, new WebhookEndpointOptions { Url = "not a url secret-value" }],
        };
        var errors = TableLimits.Errors("leads", table);
        var verdict = TableGate.Decide("leads", errors, Defaults, State(45_000, 45_000, 0), Pool);

        Assert.Equal(TableWait.ConfigInvalid, verdict.Wait);
        Assert.Contains("Tables:leads:Webhooks:1:Url must be the webhook's absolute http(s) URL", verdict.Detail, StringComparison.Ordinal);
        Assert.Contains("Tables:leads:MaxRows must be between 1 and 50000", verdict.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", verdict.Detail, StringComparison.Ordinal);
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void Should_accept_a_table_without_webhooks_as_settings()
    {
        Assert.Empty(TableLimits.Errors("t", new TableOptions()));
        Assert.Single(TableLimits.Errors("t", new TableOptions { MaxRows = 100, WarnRows = 101 }));
    }

    private static TableState State(long rows, params long[] counts) => new(rows, null, false, counts);
}
