using ClayBus.Monitor.Operations;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.Monitor.Tests.Operations;

public sealed class RequeuePacerSpecs
{
    [Fact]
    public void Should_let_the_first_move_go_at_once_and_space_the_next_by_the_interval()
    {
        var clock = new FakeTimeProvider();
        var pacer = new RequeuePacer(4, clock);

        var first = pacer.Wait;
        pacer.Take();
        var second = pacer.Wait;
        clock.Advance(TimeSpan.FromMilliseconds(100));
        var later = pacer.Wait;

        Assert.Equal(TimeSpan.Zero, first);
        Assert.Equal(TimeSpan.FromMilliseconds(250), second);
        Assert.Equal(TimeSpan.FromMilliseconds(150), later);
    }

    [Fact]
    public void Should_not_make_up_for_missed_slots_with_a_burst()
    {
        var clock = new FakeTimeProvider();
        var pacer = new RequeuePacer(10, clock);
        pacer.Take();

        clock.Advance(TimeSpan.FromSeconds(30));
        pacer.Take();

        Assert.Equal(TimeSpan.FromMilliseconds(100), pacer.Wait);
    }
}
