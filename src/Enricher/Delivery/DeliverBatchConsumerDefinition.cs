using ClayBus.Enricher.ClayClient;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;
using MassTransit.RabbitMqTransport.Configuration;
using Microsoft.Extensions.Options;

namespace ClayBus.Enricher.Delivery;

/// <summary>
/// The classic priority queue <c>deliver-batch</c> (x-max-priority 10): Normal batches published by the Submitter,
/// and every batch published back with its priority (deferred, parked, requeued, older Submitters). Bounded
/// concurrency and a small prefetch so priorities still reorder what waits. Transient failures get a short in-memory
/// retry; poison goes to <c>deliver-batch_error</c> at once. High and Low batches have receive paths of their own
/// (<see cref="DeliveryQueues"/>), so High never waits behind held backlog and Normal never behind held Low.
/// </summary>
public sealed class DeliverBatchConsumerDefinition : ConsumerDefinition<DeliverBatchConsumer>
{
    public const string QueueName = "deliver-batch";

    public const string CancelOnFailoverArgument = "x-cancel-on-ha-failover";

    private readonly DeliveryOptions _options;

    public DeliverBatchConsumerDefinition(IOptions<DeliveryOptions> options)
    {
        _options = options.Value;
        EndpointName = QueueName;
        ConcurrentMessageLimit = _options.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<DeliverBatchConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = _options.PrefetchCount;
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.EnablePriority(10);
        }

        if (endpointConfigurator is IRabbitMqReceiveEndpointConfiguration configuration)
        {
            // Mirrored in a cluster: when the node holding the queue dies, an Enricher connected to a surviving node got
            // no delivery again while its channel stayed open (every rabbit_node_kill run here), and batches it held
            // unacknowledged stay with it. Cancelled by the broker instead, MassTransit consumes from the new master.
            configuration.Settings.ConsumeArguments[CancelOnFailoverArgument] = true;
        }

        endpointConfigurator.UseDeliveryRetry(_options);
    }
}

public static class DeliveryRetry
{
    /// <summary>The message retry of every <c>DeliverBatch</c> endpoint: short, and never for poison or a Redis outage.</summary>
    public static void UseDeliveryRetry(this IReceiveEndpointConfigurator endpoint, DeliveryOptions options) =>
        endpoint.UseMessageRetry(retry =>
        {
            retry.Exponential(
                options.RetryLimit,
                TimeSpan.FromMilliseconds(options.RetryMinIntervalMilliseconds),
                TimeSpan.FromMilliseconds(options.RetryMaxIntervalMilliseconds),
                TimeSpan.FromMilliseconds(options.RetryMinIntervalMilliseconds));
            retry.IgnoreRedisOutages();
            retry.Ignore<ClayRejectedException>();
            retry.Ignore<InvalidBatchException>();
        });
}
