using ClayBus.Enricher.Delivery;
using ClayBus.Enricher.Pausing;
using ClayBus.Enricher.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.Enricher.Tests.Pausing;

public sealed class ClayHealthSpecs
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2031, 4, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly ClayHealth _health;

    public ClayHealthSpecs() =>
        _health = new ClayHealth(_time, new TestOptionsMonitor<DeliveryOptions>(new DeliveryOptions { ClayDownFailures = 3, ClayDownWindowSeconds = 60 }));

    [Fact]
    public void Should_not_take_Clay_for_down_while_another_webhook_answered_within_the_window()
    {
        _health.Answered("healthy");
        for (var i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            _health.Failed("broken");
        }

        Assert.False(_health.LooksDown());
    }

    [Fact]
    public void Should_take_Clay_for_down_once_the_answering_webhook_is_older_than_the_window()
    {
        _health.Answered("healthy");
        _time.Advance(TimeSpan.FromSeconds(61));
        _health.Failed("broken");
        _health.Failed("broken");
        Assert.False(_health.LooksDown());

        _health.Failed("broken");

        Assert.True(_health.LooksDown());
    }

    [Fact]
    public void Should_take_Clay_for_down_after_failures_in_a_row_on_every_webhook_tried()
    {
        _health.Failed("a");
        _health.Failed("b");
        Assert.False(_health.LooksDown());

        _health.Failed("a");

        Assert.True(_health.LooksDown());
    }

    [Fact]
    public void Should_start_counting_again_after_an_answer()
    {
        _health.Failed("a");
        _health.Failed("b");
        _health.Answered("b");
        _health.Failed("a");
        _health.Failed("b");
        Assert.False(_health.LooksDown());

        _health.Failed("a");

        Assert.True(_health.LooksDown());
    }

    [Fact]
    public void Should_forget_failures_older_than_the_window()
    {
        _health.Failed("a");
        _health.Failed("a");
        _time.Advance(TimeSpan.FromSeconds(61));

        _health.Failed("a");

        Assert.False(_health.LooksDown());
    }

    [Fact]
    public void Should_take_Clay_for_down_when_a_webhook_that_answered_fails_since()
    {
        _health.Answered("a");
        _health.Failed("a");
        _health.Failed("b");
        _health.Failed("a");

        Assert.True(_health.LooksDown());
    }
}
