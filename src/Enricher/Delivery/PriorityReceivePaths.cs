using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Enricher.Delivery;

/// <summary>
/// The queue of each priority's receive path. High and Low batches are sent by name by the Submitter to queues of
/// their own; Normal ones are published to <c>deliver-batch</c>, which also takes every batch published back
/// (deferred, parked, requeued, or from an older Submitter), so an upgrade strands nothing.
/// </summary>
public static class DeliveryQueues
{
    public const string High = "deliver-batch-high";
    public const string Low = "deliver-batch-low";

    public static string For(JobPriority priority) => priority switch
    {
        >= JobPriority.High => High,
        <= JobPriority.Low => Low,
        _ => DeliverBatchConsumerDefinition.QueueName,
    };

    /// <summary>
    /// Where a batch goes back (deferred, or parked without the scheduler): the exchange of <c>deliver-batch</c>, the
    /// queue the DeliverBatch type exchange feeds. Sent there, because the Enricher's broker user may write its own
    /// endpoints but not publish DeliverBatch (deploy/rabbitmq/permissions); never <c>queue:</c>, which would
    /// declare the queue without its x-max-priority.
    /// </summary>
    public static readonly Uri ReturnAddress = new($"exchange:{DeliverBatchConsumerDefinition.QueueName}");

    public static bool IsDeliveryQueue(string queue) => queue is High or Low or DeliverBatchConsumerDefinition.QueueName;
}

/// <summary>
/// One priority's own receive path: its few slots are apart from the other paths' slots, so a High batch is never
/// behind held backlog batches and a Normal one never behind held Low ones. Not bound to the <c>DeliverBatch</c> type
/// exchange (a published batch never lands here twice); no AMQP priority, so it may be a quorum queue.
/// </summary>
public abstract class PriorityPathDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    private readonly DeliveryOptions _options;
    private readonly int _slots;

    protected PriorityPathDefinition(string queue, int slots, DeliveryOptions options)
    {
        _options = options;
        _slots = slots;
        EndpointName = queue;
        ConcurrentMessageLimit = slots;
        Endpoint(endpoint => endpoint.ConfigureConsumeTopology = false);
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.ConfigureConsumeTopology = false;
        endpointConfigurator.PrefetchCount = _slots;
        endpointConfigurator.UseDeliveryRetry(_options);
    }
}

/// <summary><c>deliver-batch-high</c>: <c>Delivery:HighConcurrentMessageLimit</c> slots.</summary>
public sealed class DeliverHighBatchConsumerDefinition(IOptions<DeliveryOptions> options)
    : PriorityPathDefinition<DeliverHighBatchConsumer>(DeliveryQueues.High, options.Value.HighConcurrentMessageLimit, options.Value);

/// <summary><c>deliver-batch-low</c>: <c>Delivery:LowConcurrentMessageLimit</c> slots.</summary>
public sealed class DeliverLowBatchConsumerDefinition(IOptions<DeliveryOptions> options)
    : PriorityPathDefinition<DeliverLowBatchConsumer>(DeliveryQueues.Low, options.Value.LowConcurrentMessageLimit, options.Value);

/// <summary>The same delivery as <see cref="DeliverBatchConsumer"/>, on the High receive path.</summary>
public sealed class DeliverHighBatchConsumer(DeliverBatchConsumer delivery) : IConsumer<DeliverBatch>
{
    public Task Consume(ConsumeContext<DeliverBatch> context) => delivery.Consume(context);
}

/// <summary>The same delivery as <see cref="DeliverBatchConsumer"/>, on the Low receive path.</summary>
public sealed class DeliverLowBatchConsumer(DeliverBatchConsumer delivery) : IConsumer<DeliverBatch>
{
    public Task Consume(ConsumeContext<DeliverBatch> context) => delivery.Consume(context);
}
