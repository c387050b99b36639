using ClayBus.Contracts.Submission;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Enricher.Delivery;

/// <summary>
/// The receive path of High batches: queue <c>deliver-batch-high</c>, which the Submitter sends to by name (exchange
/// <c>deliver-batch-high</c>). Not bound to the <c>DeliverBatch</c> type exchange, so a published batch never lands
/// here twice. Its few slots are apart from <c>deliver-batch</c>'s, so a hot batch is taken at once whatever the
/// backlog, and then ranked first by the shared limiter. No AMQP priority: it may be a quorum queue.
/// </summary>
public sealed class DeliverHighBatchConsumerDefinition : ConsumerDefinition<DeliverHighBatchConsumer>
{
    public const string QueueName = "deliver-batch-high";

    private readonly DeliveryOptions _options;

    public DeliverHighBatchConsumerDefinition(IOptions<DeliveryOptions> options)
    {
        _options = options.Value;
        EndpointName = QueueName;
        ConcurrentMessageLimit = _options.HighConcurrentMessageLimit;
    }

    /// <summary>The queue a batch of <paramref name="priority"/> is sent to by the Submitter.</summary>
    public static string QueueFor(JobPriority priority) =>
        priority >= JobPriority.High ? QueueName : DeliverBatchConsumerDefinition.QueueName;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<DeliverHighBatchConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.ConfigureConsumeTopology = false;
        endpointConfigurator.PrefetchCount = _options.HighConcurrentMessageLimit;
        endpointConfigurator.UseDeliveryRetry(_options);
    }
}

/// <summary>The same delivery as <see cref="DeliverBatchConsumer"/>, on the High receive path.</summary>
public sealed class DeliverHighBatchConsumer(DeliverBatchConsumer delivery) : IConsumer<ClayBus.Contracts.Delivery.DeliverBatch>
{
    public Task Consume(ConsumeContext<ClayBus.Contracts.Delivery.DeliverBatch> context) => delivery.Consume(context);
}
