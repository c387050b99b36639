using ClayBus.ClaySim.Faults;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.ClaySim.Tests.Faults;

public sealed class FaultBoardSpecs
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Should_end_a_time_boxed_fault_when_its_time_is_up()
    {
        var board = new FaultBoard(_clock);
        board.Add(new FaultSettings { Force429 = true, ForSeconds = 10 });
        board.Add(new FaultSettings { ServerErrorRate = 0.5 });

        var during = board.Current;
        _clock.Advance(TimeSpan.FromSeconds(10));
        var after = board.Current;

        Assert.True(during.Force429);
        Assert.False(after.Force429);
        Assert.Equal(0.5, after.ServerErrorRate);
    }

    [Fact]
    public void Should_degrade_a_provider_gradually_over_the_ramp()
    {
        var board = new FaultBoard(_clock);
        board.Add(new FaultSettings { ProviderDegradation = new() { ["apollo"] = 0.8 }, DegradationRampSeconds = 100 });

        var start = board.Current.ProviderDegradation["apollo"];
        _clock.Advance(TimeSpan.FromSeconds(50));
        var half = board.Current.ProviderDegradation["apollo"];
        _clock.Advance(TimeSpan.FromSeconds(500));
        var full = board.Current.ProviderDegradation["apollo"];

        Assert.Equal(0, start, 6);
        Assert.Equal(0.4, half, 6);
        Assert.Equal(0.8, full, 6);
    }

    [Fact]
    public void Should_merge_provider_prices_per_provider_and_end_a_time_boxed_one()
    {
        var board = new FaultBoard(_clock);
        board.Add(new FaultSettings { ProviderPrices = new() { ["apollo"] = 6, ["hunter"] = 3 } });
        board.Add(new FaultSettings { ProviderPrices = new() { ["apollo"] = 9 }, ForSeconds = 30 });

        var during = board.Current.ProviderPrices;
        _clock.Advance(TimeSpan.FromSeconds(30));
        var after = board.Current.ProviderPrices;

        Assert.Equal((9.0, 3.0), (during["apollo"], during["hunter"]));
        Assert.Equal((6.0, 3.0), (after["apollo"], after["hunter"]));
    }

    [Fact]
    public void Should_end_a_time_boxed_store_then_fail_and_keep_its_modes_while_in_force()
    {
        var board = new FaultBoard(_clock);
        board.Add(new FaultSettings { StoreThenFailRate = 0.1, StoreThenFailModes = ["reset"], ForSeconds = 10 });

        var during = board.Current;
        _clock.Advance(TimeSpan.FromSeconds(10));
        var after = board.Current;

        Assert.Equal(0.1, during.StoreThenFailRate);
        Assert.Equal(["reset"], during.StoreThenFailModes);
        Assert.Equal(0, after.StoreThenFailRate);
        Assert.Equal(["5xx", "reset", "hang"], after.StoreThenFailModes);
    }

    [Fact]
    public void Should_clear_every_fault()
    {
        var board = new FaultBoard(_clock);
        board.Add(new FaultSettings { HangRate = 1, ProviderOutage = ["apollo"] });

        board.Clear();

        Assert.Same(ActiveFaults.None, board.Current);
    }
}
