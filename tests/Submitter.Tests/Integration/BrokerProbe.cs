using System.Text.Json;
using ClayBus.Testing;
using RabbitMQ.Client;

namespace ClayBus.Submitter.Tests.Integration;

/// <summary>
/// Plain AMQP into the test vhost: declares what the Enricher and the Monitor would (the priority queue
/// <c>deliver-batch</c>, the High and Low paths <c>deliver-batch-high</c>/<c>-low</c>, capture queues for events), and counts exactly (a passive declare, unlike the management
/// API's sampled figures).
/// </summary>
public sealed class BrokerProbe : IAsyncDisposable
{
    public const string DeliverBatchQueue = "deliver-batch";
    public const string HighPriorityQueue = "deliver-batch-high";
    public const string LowPriorityQueue = "deliver-batch-low";
    public const string JobSubmittedQueue = "test-job-submitted";
    public const string HeldReleasedQueue = "test-held-batches-released";

    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private BrokerProbe(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<BrokerProbe> ConnectAsync(string vhost)
    {
        var factory = new ConnectionFactory
        {
            HostName = TestInfrastructure.RabbitHost,
            Port = TestInfrastructure.RabbitPort,
            VirtualHost = vhost,
            UserName = TestInfrastructure.RabbitUser,
            Password = TestInfrastructure.RabbitPassword,
        };
        var connection = await factory.CreateConnectionAsync();
        var probe = new BrokerProbe(connection, await connection.CreateChannelAsync());
        await probe.DeclareAsync();
        return probe;
    }

    public async Task<uint> CountAsync(string queue) => (await _channel.QueueDeclarePassiveAsync(queue)).MessageCount;

    public async Task PurgeAsync()
    {
        foreach (var queue in new[] { DeliverBatchQueue, HighPriorityQueue, LowPriorityQueue, JobSubmittedQueue, HeldReleasedQueue })
        {
            await _channel.QueuePurgeAsync(queue);
        }
    }

    /// <summary>Takes every message of a queue: its AMQP priority and the MassTransit envelope's <c>message</c>.</summary>
    public async Task<List<(byte Priority, JsonElement Message)>> DrainAsync(string queue)
    {
        var messages = new List<(byte, JsonElement)>();
        while (await _channel.BasicGetAsync(queue, autoAck: true) is { } result)
        {
            using var envelope = JsonDocument.Parse(result.Body);
            messages.Add((result.BasicProperties.Priority, envelope.RootElement.GetProperty("message").Clone()));
        }

        return messages;
    }

    /// <summary>Publishes a body as a non-.NET upstream does (plain JSON, persistent, a message id), waiting for the broker's confirm.</summary>
    public async Task PublishRawAsync(string exchange, byte[] body, string messageId)
    {
        await using var channel = await _connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent, MessageId = messageId };
        await channel.BasicPublishAsync(exchange, "", mandatory: true, properties, body);
    }

    /// <summary>
    /// Takes one message off a queue that may not exist yet (an <c>_error</c> queue appears with its first fault): the
    /// message id and headers, or null. A throwaway channel, since a missing queue closes the channel that asked.
    /// </summary>
    public async Task<(string? MessageId, IDictionary<string, object?> Headers)?> TakeAsync(string queue)
    {
        await using var channel = await _connection.CreateChannelAsync();
        try
        {
            return await channel.BasicGetAsync(queue, autoAck: true) is { } result
                ? (result.BasicProperties.MessageId, result.BasicProperties.Headers ?? new Dictionary<string, object?>())
                : null;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }

    /// <summary>Takes the deliver-batch queue off its exchange: a mandatory publish is then returned (unroutable).</summary>
    public Task UnbindDeliverBatchAsync() => _channel.QueueUnbindAsync(DeliverBatchQueue, DeliverBatchQueue, "");

    public Task RebindDeliverBatchAsync() => _channel.QueueBindAsync(DeliverBatchQueue, DeliverBatchQueue, "");

    private async Task DeclareAsync()
    {
        // The Enricher's endpoint topology, as MassTransit declares it: message exchange → endpoint exchange → priority queue.
        await BindAsync("ClayBus.Contracts.Delivery:DeliverBatch", DeliverBatchQueue, new Dictionary<string, object?> { ["x-max-priority"] = 10 });
        // High and Low batches' own paths: exchange → queue, not bound to the message type (the Submitter sends by name).
        foreach (var path in new[] { HighPriorityQueue, LowPriorityQueue })
        {
            await _channel.ExchangeDeclareAsync(path, ExchangeType.Fanout, durable: true);
            await _channel.QueueDeclareAsync(path, durable: true, exclusive: false, autoDelete: false);
            await _channel.QueueBindAsync(path, path, "");
        }

        await BindAsync("ClayBus.Contracts.Submission:JobSubmitted", JobSubmittedQueue, null);
        await BindAsync("ClayBus.Contracts.Submission:HeldBatchesReleased", HeldReleasedQueue, null);
    }

    private async Task BindAsync(string messageExchange, string queue, IDictionary<string, object?>? arguments)
    {
        await _channel.ExchangeDeclareAsync(messageExchange, ExchangeType.Fanout, durable: true);
        await _channel.ExchangeDeclareAsync(queue, ExchangeType.Fanout, durable: true);
        await _channel.ExchangeBindAsync(queue, messageExchange, "");
        await _channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: arguments);
        await _channel.QueueBindAsync(queue, queue, "");
    }
}
