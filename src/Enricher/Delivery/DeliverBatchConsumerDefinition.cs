using ClayBus.Enricher.ClayClient;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Enricher.Delivery;

/// <summary>
/// The classic priority queue <c>deliver-batch</c> (x-max-priority 10, published with the job's priority by the
/// Submitter), with bounded concurrency and a small prefetch so priorities still reorder the backlog. Transient
/// failures get a short in-memory retry; poison goes to <c>deliver-batch_error</c> at once.
/// </summary>
public sealed class DeliverBatchConsumerDefinition : ConsumerDefinition<DeliverBatchConsumer>
{
    public const string QueueName = "deliver-batch";

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

        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Exponential(
                _options.RetryLimit,
                TimeSpan.FromMilliseconds(_options.RetryMinIntervalMilliseconds),
                TimeSpan.FromMilliseconds(_options.RetryMaxIntervalMilliseconds),
                TimeSpan.FromMilliseconds(_options.RetryMinIntervalMilliseconds));
            retry.IgnoreRedisOutages();
            retry.Ignore<ClayRejectedException>();
            retry.Ignore<InvalidBatchException>();
        });
    }
}
