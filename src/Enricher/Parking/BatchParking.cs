using ClayBus.Contracts.Delivery;
using ClayBus.Enricher.Delivery;
using MassTransit;
using MassTransit.Scheduling;
using Microsoft.Extensions.Options;

namespace ClayBus.Enricher.Parking;

/// <summary>
/// Parks a batch that must wait: the batch is handed to the Monitor's Redis scheduler and this copy is acknowledged,
/// so it holds no consumer slot while it waits. When due, the scheduler sends it back to the <c>DeliverBatch</c>
/// exchange with its message id, its headers and its priority (<see cref="PriorityHeader"/>). Scheduled before the
/// acknowledgement: a crash in between leaves two copies, which row claims make harmless.
/// </summary>
public sealed class BatchParking(IBus bus, IOptionsMonitor<ParkingOptions> options, TimeProvider time, ILogger<BatchParking> logger)
{
    /// <summary>The AMQP priority the scheduler gives the batch back (priority is a property, not a header, of the envelope).</summary>
    public const string PriorityHeader = "ClayBus-Priority";

    /// <summary>How many times the batch was parked: for operators reading a message, nothing decides on it.</summary>
    public const string ParkedHeader = "ClayBus-Parked";

    // The message type's exchange, as a publish reaches it: a send to queue:deliver-batch would re-declare the
    // queue without x-max-priority, which the broker refuses.
    private static readonly Uri DeliverBatchExchange = new($"exchange:{typeof(DeliverBatch).Namespace}:{nameof(DeliverBatch)}");

    /// <summary>When a parked batch looks again: <paramref name="until"/> when given and later than now, else a recheck.</summary>
    public DateTimeOffset Until(DateTimeOffset? until = null)
    {
        var now = time.GetUtcNow();
        var recheck = TimeSpan.FromSeconds(options.CurrentValue.RecheckSeconds);
        // A little spread, so a table's parked backlog does not come back in one burst.
        var spread = TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)(recheck.TotalMilliseconds / 10) + 1));
        return (until is { } given && given > now ? given : now + recheck) + spread;
    }

    public async Task ParkAsync(ConsumeContext<DeliverBatch> context, DateTimeOffset until, IReadOnlyDictionary<string, object> headers)
    {
        var batch = context.Message;
        var priority = (byte)Math.Clamp((int)batch.Priority, 0, 10);
        var parked = (context.Headers.Get<int>(ParkedHeader) ?? 0) + 1;
        try
        {
            var scheduler = new MessageScheduler(new EndpointScheduleMessageProvider(() => context.GetSendEndpoint(options.CurrentValue.SchedulerAddress)), bus.Topology);
            await scheduler.ScheduleSend(DeliverBatchExchange, until.UtcDateTime, batch, Pipe.Execute<SendContext<DeliverBatch>>(send =>
            {
                if (context.MessageId is { } id)
                {
                    send.MessageId = id;
                }

                foreach (var (key, value) in headers)
                {
                    send.Headers.Set(key, value);
                }

                send.Headers.Set(PriorityHeader, (int)priority);
                send.Headers.Set(ParkedHeader, parked);
                // Unroutable (no scheduler queue bound yet) must fail here, not vanish.
                if (send.TryGetPayload<RabbitMqSendContext>(out var rabbit))
                {
                    rabbit.Mandatory = true;
                }
            }), context.CancellationToken);
            logger.Parked(batch.BatchId, batch.TableKey, until);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Without the scheduler, the batch waits where it is and goes back to the queue: slower, never lost.
            logger.ParkFailed(batch.BatchId, exception.GetType().Name);
            var wait = until - time.GetUtcNow();
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, context.CancellationToken);
            var queue = await context.GetSendEndpoint(DeliveryQueues.ReturnAddress);
            await queue.Send(batch, publish =>
            {
                publish.SetPriority(priority);
                foreach (var (key, value) in headers)
                {
                    publish.Headers.Set(key, value);
                }

                publish.Headers.Set(ParkedHeader, parked);
                if (context.MessageId is { } id)
                {
                    publish.MessageId = id;
                }
            });
        }
    }
}
