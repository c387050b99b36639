using MassTransit;
using MassTransit.RabbitMqTransport.Configuration;

namespace ClayBus.ServiceDefaults.Messaging;

/// <summary>
/// With <see cref="RabbitMqOptions.QuorumQueues"/> on, every durable receive endpoint becomes a quorum queue (replicated
/// across the cluster's members), except those quorum queues cannot be: a priority queue (<c>x-max-priority</c>, i.e.
/// <c>EnablePriority</c>, which RabbitMQ 3.x quorum queues do not support), a queue whose type its endpoint chose, and
/// the bus's own temporary queue.
/// </summary>
/// <remarks>
/// An observer, not a ConfigureEndpoints callback: the callback runs before the endpoint's definition, so it could not
/// see that the definition enables priorities; an observer runs once the endpoint is fully configured.
/// </remarks>
internal sealed class QuorumQueuePolicy : IEndpointConfigurationObserver
{
    public const string QueueTypeArgument = "x-queue-type";

    public const string MaxPriorityArgument = "x-max-priority";

    public void EndpointConfigured<T>(T configurator)
        where T : IReceiveEndpointConfigurator
    {
        if (configurator is IRabbitMqReceiveEndpointConfiguration endpoint and IRabbitMqReceiveEndpointConfigurator rabbit
            && CanBeQuorum(endpoint.Settings.Durable, endpoint.Settings.AutoDelete, endpoint.Settings.Exclusive, endpoint.Settings.QueueArguments))
        {
            rabbit.SetQuorumQueue();
        }
    }

    public static bool CanBeQuorum(bool durable, bool autoDelete, bool exclusive, IDictionary<string, object> arguments) =>
        durable && !autoDelete && !exclusive
        && !arguments.ContainsKey(MaxPriorityArgument)
        && !arguments.ContainsKey(QueueTypeArgument);
}
