using System.Globalization;
using System.Text;
using ClayBus.Monitor.Status;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace ClayBus.Monitor.Operations;

/// <summary>
/// Moves dead letters back one at a time over AMQP, on one channel with publisher confirms: get (unacked), publish a
/// copy to the source queue, and ack the original only once the broker confirmed the copy. A message of another group
/// stays unacked on the channel, so the next get returns the next message, and goes back in place at the end of the
/// pass. Nothing is lost if the Monitor dies: the broker requeues whatever was unacked. A death between the confirm
/// and the ack duplicates at most that one message, which the Enricher's row idempotency makes harmless.
/// </summary>
/// <remarks>
/// The canary: while moving, about once a second, the queue's ready depth is compared with what is left of the pass
/// (held messages are unacked, so not counted as ready): any excess are new dead letters. They are read; if one is of a
/// group being requeued, the requeue is failing again and the run stops with every message back in the queue.
/// </remarks>
public sealed class PacedRequeue(IChannel channel, string queue, string destination, RequeuePlan plan, TimeProvider clock, RequeueProgress progress)
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A pass longer than this puts its held messages back and starts again: the broker closes a channel that holds a delivery past its acknowledgement timeout.</summary>
    private static readonly TimeSpan MaxPass = TimeSpan.FromMinutes(10);

    private readonly RequeuePacer _pacer = new(plan.RatePerSecond, clock);
    private readonly Dictionary<string, string> _movedGroups = new(StringComparer.Ordinal);
    private readonly List<ulong> _held = [];
    private long _depth;
    private long _fetched;
    private DateTimeOffset _nextCheck;
    private bool _interrupted;
    private bool _matchArrived;
    private uint? _settleTo;
    private DateTimeOffset _startedAt;

    /// <summary>
    /// An "arrival" that failed before the run started is an old message back late (the status API's peek puts the
    /// messages it read back asynchronously), not the group failing again. Between the failing service's clock and
    /// ours, allow this much.
    /// </summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(1);

    /// <summary>Not an end: other failures arrived, so the pass put everything back and a new one looks again.</summary>
    private static readonly RequeueOutcome NewPass = new(RequeueRunState.Running, "other failures arrived: a new pass");

    public async Task<RequeueOutcome> RunAsync(CancellationToken cancellationToken)
    {
        _startedAt = clock.GetUtcNow();
        while (true)
        {
            progress.AddPass();
            var (outcome, moved) = await PassAsync(cancellationToken);
            if (!ReferenceEquals(outcome, NewPass))
            {
                return outcome;
            }

            if (moved == 0 && !_interrupted && !_matchArrived)
            {
                return new RequeueOutcome(RequeueRunState.Completed, null);
            }
        }
    }

    /// <returns>The run's outcome when it ends with this pass, or <see cref="NewPass"/> when other failures arrived meanwhile.</returns>
    private async Task<(RequeueOutcome Outcome, long Moved)> PassAsync(CancellationToken cancellationToken)
    {
        _depth = await SettledDepthAsync(cancellationToken);
        _fetched = 0;
        _matchArrived = false;
        _interrupted = false;
        var passStart = clock.GetUtcNow();
        _nextCheck = passStart + CheckInterval;
        progress.SetKept(0);
        long moved = 0;
        try
        {
            while (_fetched < _depth)
            {
                if (clock.GetUtcNow() - passStart > MaxPass)
                {
                    // Held messages count against the broker's delivery acknowledgement timeout (30 min by default).
                    _interrupted = true;
                    return (NewPass, moved);
                }

                if (await ArrivalsAsync(force: false, cancellationToken) is { } arrived)
                {
                    _interrupted = true;
                    return (arrived, moved);
                }

                if (await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is not { } message)
                {
                    break;
                }

                _fetched++;
                _held.Add(message.DeliveryTag);
                var (id, reason, _) = GroupOf(message.BasicProperties);
                if (plan.Group is { } group && id != group)
                {
                    progress.SetKept(_held.Count);
                    continue;
                }

                while (_pacer.Wait > TimeSpan.Zero)
                {
                    await Task.Delay(Min(_pacer.Wait, CheckInterval), clock, cancellationToken);
                    if (await ArrivalsAsync(force: false, cancellationToken) is { } during)
                    {
                        _interrupted = true;
                        return (during, moved);
                    }
                }

                _pacer.Take();
                if (await MoveAsync(message, cancellationToken) is { } failed)
                {
                    return (failed, moved);
                }

                moved++;
                _movedGroups.TryAdd(id, reason);
                progress.AddMoved();
                if (plan.Canary > 0 && progress.Moved == plan.Canary && await WatchAsync(plan.CanaryWait, cancellationToken) is { } canary)
                {
                    _interrupted = true;
                    return (canary, moved);
                }
            }

            return (await ArrivalsAsync(force: true, cancellationToken) ?? new RequeueOutcome(RequeueRunState.Completed, null), moved);
        }
        finally
        {
            await ReturnHeldAsync();
        }
    }

    private async Task<RequeueOutcome?> MoveAsync(BasicGetResult message, CancellationToken cancellationToken)
    {
        var copy = new BasicProperties(message.BasicProperties) { Persistent = true };
        try
        {
            // Mandatory: a source queue deleted meanwhile returns the copy instead of dropping it, and the original stays.
            await channel.BasicPublishAsync(string.Empty, destination, mandatory: true, copy, message.Body, cancellationToken);
        }
        catch (PublishReturnException)
        {
            return new RequeueOutcome(RequeueRunState.Failed, $"the source queue '{destination}' no longer takes messages (deleted?): nothing more was moved; start its service, then run again");
        }

        await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
        // The message being moved is always the one fetched last.
        _held.RemoveAt(_held.Count - 1);
        return null;
    }

    /// <summary>The canary pause: the run moves nothing, and checks for new dead letters each second.</summary>
    private async Task<RequeueOutcome?> WatchAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var until = clock.GetUtcNow() + wait;
        while (clock.GetUtcNow() < until)
        {
            await Task.Delay(Min(until - clock.GetUtcNow(), CheckInterval), clock, cancellationToken);
            if (await ArrivalsAsync(force: true, cancellationToken) is { } arrived)
            {
                return arrived;
            }
        }

        return null;
    }

    /// <returns>Null when no new dead letter arrived; otherwise stopped (a requeued group grew) or <see cref="NewPass"/>.</returns>
    private async Task<RequeueOutcome?> ArrivalsAsync(bool force, CancellationToken cancellationToken)
    {
        if (!force && clock.GetUtcNow() < _nextCheck)
        {
            return null;
        }

        _nextCheck = clock.GetUtcNow() + CheckInterval;
        var ready = (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        var arrivals = ready - (_depth - _fetched);
        if (arrivals <= 0)
        {
            return null;
        }

        // New dead letters queue up behind this pass's messages: hold the rest of those to reach them.
        while (_fetched < _depth && await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is { } original)
        {
            _fetched++;
            _held.Add(original.DeliveryTag);
        }

        var watched = plan.Group is { } group ? [group] : _movedGroups.Keys.ToHashSet(StringComparer.Ordinal);
        string? regrown = null;
        for (var i = 0; i < arrivals && await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is { } arrival; i++)
        {
            _held.Add(arrival.DeliveryTag);
            var (id, reason, failedAt) = GroupOf(arrival.BasicProperties);
            // One of the messages to move, back late (a peek's requeue): the next pass must look again.
            _matchArrived |= plan.Group is null || plan.Group == id;
            if (regrown is null && watched.Contains(id) && !(failedAt < _startedAt - ClockSkew))
            {
                regrown = $"group {id} grew again: {reason}";
            }
        }

        return regrown is null ? NewPass : new RequeueOutcome(RequeueRunState.Stopped, regrown);
    }

    /// <summary>Puts every held message back where it was, in one frame (nack of the highest tag with multiple).</summary>
    private async Task ReturnHeldAsync()
    {
        if (_held.Count > 0 && channel.IsOpen)
        {
            // Not the run's token: the messages go back even when the run is being cancelled.
            var before = (await channel.QueueDeclarePassiveAsync(queue, CancellationToken.None)).MessageCount;
            await channel.BasicNackAsync(_held.Max(), multiple: true, requeue: true, CancellationToken.None);
            _settleTo = before + (uint)_held.Count;
        }

        _held.Clear();
    }

    /// <summary>
    /// The ready depth for a new pass. The broker requeues nacked messages asynchronously: a depth read right after
    /// the nack can miss them, and the pass would then end before reaching them.
    /// </summary>
    private async Task<uint> SettledDepthAsync(CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + SettleTimeout;
        while (true)
        {
            var ready = (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
            if (_settleTo is not { } target || ready >= target || clock.GetUtcNow() >= deadline)
            {
                _settleTo = null;
                return ready;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), clock, cancellationToken);
        }
    }

    private (string Id, string Reason, DateTimeOffset? FailedAt) GroupOf(IReadOnlyBasicProperties properties)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in properties.Headers ?? new Dictionary<string, object?>())
        {
            headers[name] = value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                null => string.Empty,
                _ => value.ToString() ?? string.Empty,
            };
        }

        var (type, message, at) = DeadLetterGrouping.Reason(headers);
        return (DeadLetterGrouping.GroupId(queue, type, message), message.Length == 0 ? type : $"{type}: {message}", at);
    }

    private static TimeSpan Min(TimeSpan left, TimeSpan right) => left < right ? left : right;
}
