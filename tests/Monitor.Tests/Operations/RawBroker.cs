using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using ClayBus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace ClayBus.Monitor.Tests.Operations;

/// <summary>One fake dead letter: its body and the MassTransit fault headers it carries.</summary>
public sealed record DeadLetter(string Body, string ExceptionType, string Message);

/// <summary>
/// The test's own AMQP connection to the fixture's vhost, outside the Monitor: declares the source and dead-letter
/// queues, dead-letters messages as MassTransit would, consumes the source queue, and reads queues exactly.
/// </summary>
public sealed class RawBroker : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private RawBroker(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<RawBroker> ConnectAsync(InfrastructureFixture infrastructure)
    {
        var factory = new ConnectionFactory
        {
            HostName = TestInfrastructure.RabbitHost,
            Port = TestInfrastructure.RabbitPort,
            VirtualHost = infrastructure.Rabbit.Name,
            UserName = TestInfrastructure.RabbitUser,
            Password = TestInfrastructure.RabbitPassword,
        };
        var connection = await factory.CreateConnectionAsync("requeue-run-specs");
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        return new RawBroker(connection, channel);
    }

    public async Task DeclareAsync(params string[] queues)
    {
        foreach (var queue in queues)
        {
            await _channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        }
    }

    public Task DeadLetterAsync(string errorQueue, IEnumerable<DeadLetter> letters) => PublishAsync(_channel, errorQueue, letters);

    /// <summary>Exact ready count (a passive declare), where the management API lags by a stats interval.</summary>
    public async Task<uint> ReadyAsync(string queue) => (await _channel.QueueDeclarePassiveAsync(queue)).MessageCount;

    /// <summary>Takes every message of <paramref name="queue"/> with its redelivered flag (acked: the queue is empty after).</summary>
    public async Task<List<(string Body, bool Redelivered)>> DrainWithFlagsAsync(string queue)
    {
        var messages = new List<(string Body, bool Redelivered)>();
        while (await _channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            messages.Add((Encoding.UTF8.GetString(message.Body.Span), message.Redelivered));
        }

        return messages;
    }

    /// <summary>Takes every message of <paramref name="queue"/> in order (acked: the queue is empty after).</summary>
    public async Task<List<string>> DrainAsync(string queue)
    {
        var bodies = new List<string>();
        while (await _channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            bodies.Add(Encoding.UTF8.GetString(message.Body.Span));
        }

        return bodies;
    }

    /// <summary>Consumes <paramref name="queue"/>, recording each body with when it arrived (a monotonic clock).</summary>
    public async Task<Arrivals> ConsumeAsync(string queue)
    {
        var channel = await _connection.CreateChannelAsync();
        var arrivals = new Arrivals(channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            arrivals.Received.Enqueue((Encoding.UTF8.GetString(delivery.Body.Span), arrivals.Clock.Elapsed));
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        return arrivals;
    }

    /// <summary>
    /// Consumes <paramref name="queue"/> and fails every message again, as MassTransit does when the cause is not fixed:
    /// the message goes back to <paramref name="errorQueue"/> with its fault headers (a fresh timestamp), or with
    /// <paramref name="otherFault"/> as its exception type: a different failure than the one requeued.
    /// </summary>
    public async Task<Arrivals> FailAgainAsync(string queue, string errorQueue, string? otherFault = null)
    {
        var channel = await _connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var arrivals = new Arrivals(channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            arrivals.Received.Enqueue((Encoding.UTF8.GetString(delivery.Body.Span), arrivals.Clock.Elapsed));
            var headers = new Dictionary<string, object?>(delivery.BasicProperties.Headers!) { ["MT-Fault-Timestamp"] = DateTimeOffset.UtcNow.ToString("O") };
            if (otherFault is not null)
            {
                headers["MT-Fault-ExceptionType"] = otherFault;
            }

            await channel.BasicPublishAsync(string.Empty, errorQueue, mandatory: true, new BasicProperties { Persistent = true, Headers = headers }, delivery.Body);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        return arrivals;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private static async Task PublishAsync(IChannel channel, string errorQueue, IEnumerable<DeadLetter> letters)
    {
        foreach (var letter in letters)
        {
            var properties = new BasicProperties
            {
                Persistent = true,
                MessageId = Guid.NewGuid().ToString(),
                Headers = new Dictionary<string, object?>
                {
                    ["MT-Fault-ExceptionType"] = letter.ExceptionType,
                    ["MT-Fault-Message"] = letter.Message + "\n   at ClayBus.Enricher.Delivery.DeliverBatchConsumer.Consume()",
                    // Dead letters wait a while before anyone requeues them.
                    ["MT-Fault-Timestamp"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O"),
                    ["MT-Reason"] = "fault",
                },
            };
            await channel.BasicPublishAsync(string.Empty, errorQueue, mandatory: true, properties, Encoding.UTF8.GetBytes(letter.Body));
        }
    }
}

/// <summary>What a test consumer received, in order, with the time of each arrival.</summary>
public sealed class Arrivals(IChannel channel) : IAsyncDisposable
{
    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public ConcurrentQueue<(string Body, TimeSpan At)> Received { get; } = new();

    public ValueTask DisposeAsync() => channel.DisposeAsync();
}
