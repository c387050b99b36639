using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Submitter.Dedupe;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Submitter.Batching;

/// <summary>
/// The one place the Submitter publishes batches. A Normal <c>DeliverBatch</c> is PUBLISHED (never sent to
/// <c>queue:</c>, which would declare <c>deliver-batch</c> without <c>x-max-priority</c>) with the job's AMQP priority;
/// a High or Low one is SENT to the exchange of the Enrichers' receive path for its class (<c>deliver-batch-high</c>,
/// <c>deliver-batch-low</c>), so a hot batch never waits behind the batches the Enrichers hold from a backlog.
/// Mandatory, so that a batch no queue takes fails instead of vanishing, and many at once because each awaits its
/// confirm.
/// </summary>
public sealed class BatchPublisher(RecentRows recentRows, IOptions<BatchingOptions> options, SubmitterMetrics metrics, IBus bus)
{
    /// <summary>The exchanges the Enrichers' <c>deliver-batch-high</c> and <c>-low</c> endpoints declare and bind to their queues.</summary>
    public static readonly Uri HighPriorityExchange = new("exchange:deliver-batch-high");
    public static readonly Uri LowPriorityExchange = new("exchange:deliver-batch-low");

    // The request's IPublishEndpoint is no ISendEndpointProvider: High and Low are sent through the bus.
    public PublishRun Start(IPublishEndpoint endpoint, CancellationToken cancellationToken) =>
        new(endpoint, bus, options.Value.PublishConcurrency, recentRows, metrics, cancellationToken);

    /// <param name="sender">Sends High and Low batches to their paths; null: <paramref name="endpoint"/> if it can send (the bus, a consume context).</param>
    public static async Task PublishAsync(IPublishEndpoint endpoint, DeliverBatch batch, CancellationToken cancellationToken, ISendEndpointProvider? sender = null)
    {
        if (batch.Priority != JobPriority.Normal && (sender ?? endpoint as ISendEndpointProvider) is { } provider)
        {
            var path = await provider.GetSendEndpoint(batch.Priority >= JobPriority.High ? HighPriorityExchange : LowPriorityExchange);
            await path.Send(batch, context =>
            {
                context.SetPriority((byte)batch.Priority);
                MustBeRouted(context);
            }, cancellationToken);
            return;
        }

        await endpoint.Publish(batch, context =>
        {
            context.SetPriority((byte)batch.Priority);
            MustBeRouted(context);
        }, cancellationToken);
    }

    private static void MustBeRouted(SendContext context)
    {
        if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
        {
            rabbit.Mandatory = true;
        }
    }
}

/// <summary>One job's batches in flight: at most N awaiting the broker's confirm; their rows are marked sent once confirmed.</summary>
public sealed class PublishRun(
    IPublishEndpoint endpoint,
    ISendEndpointProvider sender,
    int concurrency,
    RecentRows recentRows,
    SubmitterMetrics metrics,
    CancellationToken cancellationToken)
{
    private readonly List<Task> _inFlight = [];
    private int _published;
    private int _rows;

    public int Published => _published;

    public int Rows => _rows;

    /// <summary>Starts publishing; waits while <c>concurrency</c> batches already await their confirm, and throws if one failed.</summary>
    public async Task PublishAsync(DeliverBatch batch)
    {
        _inFlight.Add(PublishOneAsync(batch));
        while (_inFlight.Count >= concurrency)
        {
            var done = await Task.WhenAny(_inFlight);
            _inFlight.Remove(done);
            await done;
        }
    }

    /// <summary>Waits for every confirm; throws if any batch was not confirmed.</summary>
    public Task CompleteAsync() => Task.WhenAll(_inFlight);

    /// <summary>The job failed: waits until no batch is still on its way, whatever became of it.</summary>
    public Task SettleAsync() => Task.WhenAll(_inFlight).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private async Task PublishOneAsync(DeliverBatch batch)
    {
        await BatchPublisher.PublishAsync(endpoint, batch, cancellationToken, sender);
        await recentRows.CommitAsync(batch.Rows.Select(row => row.RowId));
        Interlocked.Increment(ref _published);
        Interlocked.Add(ref _rows, batch.Rows.Count);
        metrics.BatchesPublished.Add(1);
    }
}
