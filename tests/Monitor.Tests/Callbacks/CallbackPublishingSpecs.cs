using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Callbacks;
using ClayBus.ServiceDefaults.Messaging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.Monitor.Tests.Callbacks;

public class CallbackPublishingSpecs
{
    private static readonly RowEnriched Event = new(Guid.NewGuid(), "r-1", "people", "apollo", [], 1, 1, DateTimeOffset.UnixEpoch);

    private readonly FakeTimeProvider _clock = new();
    private readonly RecordedExit _exit = new();
    private readonly CallbackOptions _options = new() { PublishTimeoutSeconds = 5, PublishStallSeconds = 60 };

    [Fact]
    public async Task Should_hand_the_event_to_the_broker()
    {
        var (bus, gate) = BrokerGate.Over();

        Assert.True(await Publishing(bus).TryPublishAsync(Event, CancellationToken.None));
        Assert.Equal(1, gate.Published);
    }

    [Fact]
    public async Task Should_answer_false_when_the_publish_fails_on_a_closed_channel()
    {
        var (bus, gate) = BrokerGate.Over();
        gate.State = BrokerState.Failing;

        Assert.False(await Publishing(bus).TryPublishAsync(Event, CancellationToken.None));
    }

    [Fact]
    public async Task Should_answer_false_once_a_publish_waited_the_timeout_for_a_connection()
    {
        var (bus, gate) = BrokerGate.Over();
        gate.State = BrokerState.Hanging;

        var publishing = Publishing(bus).TryPublishAsync(Event, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(publishing.IsCompleted, "gave up before Callbacks:PublishTimeoutSeconds");
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.False(await publishing.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Should_leave_a_request_Clay_abandoned_to_the_host()
    {
        var (bus, gate) = BrokerGate.Over();
        gate.State = BrokerState.Hanging;
        using var aborted = new CancellationTokenSource();

        var publishing = Publishing(bus).TryPublishAsync(Event, aborted.Token);
        await aborted.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => publishing);
    }

    [Fact]
    public async Task Should_answer_false_for_a_closed_channel_even_after_Clay_hung_up()
    {
        // Thrown on, it reached the host as an unhandled exception with a stack trace per callback (1,624 in one run).
        var (bus, gate) = BrokerGate.Over();
        gate.State = BrokerState.Failing;
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();

        Assert.False(await Publishing(bus).TryPublishAsync(Event, aborted.Token));
    }

    [Fact]
    public async Task Should_end_the_process_once_no_publish_succeeded_for_the_stall_time()
    {
        var (bus, gate) = BrokerGate.Over();
        gate.State = BrokerState.Failing;
        var publishing = Publishing(bus);

        await publishing.TryPublishAsync(Event, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(59));
        await publishing.TryPublishAsync(Event, CancellationToken.None);
        Assert.Equal(0, _exit.Exits);

        _clock.Advance(TimeSpan.FromSeconds(1));
        await publishing.TryPublishAsync(Event, CancellationToken.None);
        await publishing.TryPublishAsync(Event, CancellationToken.None);

        Assert.Equal(1, _exit.Exits);
    }

    [Fact]
    public async Task Should_count_the_stall_from_the_last_failure_after_a_success()
    {
        var (bus, gate) = BrokerGate.Over();
        var publishing = Publishing(bus);
        gate.State = BrokerState.Failing;
        await publishing.TryPublishAsync(Event, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(50));
        gate.State = BrokerState.Up;
        await publishing.TryPublishAsync(Event, CancellationToken.None);

        gate.State = BrokerState.Failing;
        await publishing.TryPublishAsync(Event, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(50));
        await publishing.TryPublishAsync(Event, CancellationToken.None);

        Assert.Equal(0, _exit.Exits);
    }

    [Fact]
    public async Task Should_not_end_the_process_for_a_failure_long_after_the_last_one()
    {
        var (bus, gate) = BrokerGate.Over();
        gate.State = BrokerState.Failing;
        var publishing = Publishing(bus);
        await publishing.TryPublishAsync(Event, CancellationToken.None);

        _clock.Advance(TimeSpan.FromHours(1));
        await publishing.TryPublishAsync(Event, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(30));
        await publishing.TryPublishAsync(Event, CancellationToken.None);

        Assert.Equal(0, _exit.Exits);
    }

    private CallbackPublishing Publishing(MassTransit.IBus bus) =>
        new(bus, _exit, new StaticOptions(_options), _clock, NullLogger<CallbackPublishing>.Instance);

    private sealed class RecordedExit : IStalledProcessExit
    {
        public int Exits { get; private set; }

        public void Exit(string stalledQueues) => Exits++;
    }

    private sealed class StaticOptions(CallbackOptions value) : IOptionsMonitor<CallbackOptions>
    {
        public CallbackOptions CurrentValue => value;

        public CallbackOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<CallbackOptions, string?> listener) => null;
    }
}
