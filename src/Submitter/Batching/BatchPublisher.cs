using ClayBus.Contracts.Delivery;
using ClayBus.Submitter.Dedupe;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Submitter.Batching;

/// <summary>
/// The one place the Submitter publishes batches. <c>DeliverBatch</c> is PUBLISHED (never sent to <c>queue:</c>,
/// which would declare <c>deliver-batch</c> without <c>x-max-priority</c>) with the job's AMQP priority, mandatory so
/// that a batch no queue takes fails instead of vanishing, and many at once because each awaits its confirm.
/// </summary>
public sealed class BatchPublisher(RecentRows recentRows, IOptions<BatchingOptions> options, SubmitterMetrics metrics)
{
    public PublishRun Start(IPublishEndpoint endpoint, CancellationToken cancellationToken) =>
        new(endpoint, options.Value.PublishConcurrency, recentRows, metrics, cancellationToken);

    public static Task PublishAsync(IPublishEndpoint endpoint, DeliverBatch batch, CancellationToken cancellationToken) =>
        endpoint.Publish(batch, context =>
        {
            context.SetPriority((byte)batch.Priority);
            if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
            {
                rabbit.Mandatory = true;
            }
        }, cancellationToken);
}

/// <summary>One job's batches in flight: at most N awaiting the broker's confirm; their rows are marked sent once confirmed.</summary>
public sealed class PublishRun(
    IPublishEndpoint endpoint,
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
        await BatchPublisher.PublishAsync(endpoint, batch, cancellationToken);
        await recentRows.CommitAsync(batch.Rows.Select(row => row.RowId));
        Interlocked.Increment(ref _published);
        Interlocked.Add(ref _rows, batch.Rows.Count);
        metrics.BatchesPublished.Add(1);
    }
}
