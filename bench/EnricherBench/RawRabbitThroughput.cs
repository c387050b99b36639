using System.Diagnostics;
using ClayBus.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace ClayBus.EnricherBench;

/// <summary>
/// The broker's own ceiling on this machine, measured in the same run: plain RabbitMQ.Client publish (persistent,
/// confirmed, 32 in flight) and consume (manual acks, prefetch 32) of messages as large as the DeliverBatch messages.
/// </summary>
public static class RawRabbitThroughput
{
    private const string Queue = "bench-raw-throughput";
    private const int Publishers = 32;

    public static async Task<double> MessagesPerSecondAsync(string vhost, int messages, int messageBytes)
    {
        var factory = new ConnectionFactory
        {
            HostName = TestInfrastructure.RabbitHost,
            Port = TestInfrastructure.RabbitPort,
            VirtualHost = vhost,
            UserName = TestInfrastructure.RabbitUser,
            Password = TestInfrastructure.RabbitPassword,
        };
        await using var publishing = await factory.CreateConnectionAsync();
        await using var consuming = await factory.CreateConnectionAsync();
        await using var consumerChannel = await consuming.CreateChannelAsync();
        await consumerChannel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
        await consumerChannel.BasicQosAsync(0, 32, false);

        var consumed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(consumerChannel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            await consumerChannel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            if (Interlocked.Increment(ref consumed) == messages)
            {
                done.TrySetResult();
            }
        };
        await consumerChannel.BasicConsumeAsync(Queue, autoAck: false, consumer);

        var body = new byte[messageBytes];
        Array.Fill(body, (byte)'x');
        var properties = new BasicProperties { Persistent = true, ContentType = "application/vnd.masstransit+json" };
        var channels = new List<IChannel>();
        for (var i = 0; i < 4; i++)
        {
            channels.Add(await publishing.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)));
        }

        var clock = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Publishers).Select(publisher => Task.Run(async () =>
        {
            var channel = channels[publisher % channels.Count];
            while (Interlocked.Increment(ref next) < messages)
            {
                await channel.BasicPublishAsync("", Queue, mandatory: false, properties, body);
            }
        })));
        await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        var perSecond = messages / clock.Elapsed.TotalSeconds;

        foreach (var channel in channels)
        {
            await channel.DisposeAsync();
        }

        await consumerChannel.QueueDeleteAsync(Queue);
        return perSecond;
    }
}
