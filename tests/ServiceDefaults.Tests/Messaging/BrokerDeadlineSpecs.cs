using ClayBus.ServiceDefaults.Messaging;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.ServiceDefaults.Tests.Messaging;

public class BrokerDeadlineSpecs
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task Should_pass_a_publish_the_broker_takes()
    {
        var published = 0;

        await BrokerDeadline.WithinAsync(_ => Task.FromResult(++published), Timeout, CancellationToken.None, _clock);

        Assert.Equal(1, published);
    }

    [Fact]
    public async Task Should_release_the_caller_of_a_publish_that_ignores_its_token_once_the_deadline_passes()
    {
        var never = new TaskCompletionSource();
        var call = BrokerDeadline.WithinAsync(_ => never.Task, Timeout, CancellationToken.None, _clock);
        _clock.Advance(Timeout - TimeSpan.FromSeconds(1));
        Assert.False(call.IsCompleted, "gave up before the deadline");

        _clock.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Should_report_the_caller_s_own_cancellation_as_a_cancellation()
    {
        using var stopping = new CancellationTokenSource();
        var call = BrokerDeadline.WithinAsync(token => Task.Delay(System.Threading.Timeout.Infinite, token), Timeout, stopping.Token, _clock);

        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task Should_pass_a_broker_fault_on_as_it_is()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            BrokerDeadline.WithinAsync(_ => throw new InvalidOperationException("ObjectDisposedException on channel"), Timeout, CancellationToken.None, _clock));
    }
}
