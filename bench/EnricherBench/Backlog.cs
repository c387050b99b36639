using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Testing;
using MassTransit;
using RabbitMQ.Client;

namespace ClayBus.EnricherBench;

/// <summary>
/// Stands for the Submitter: queues <see cref="DeliverBatch"/> messages of 50 rows in the benchmark's vhost before any
/// Enricher runs, so each run starts against a backlog. The topology is declared here as the Enricher's endpoint
/// declares it (classic queue <c>deliver-batch</c>, x-max-priority 10), so nothing published early is lost.
/// </summary>
public sealed class Backlog : IAsyncDisposable
{
    public const string Queue = "deliver-batch";
    public const int RowsPerBatch = 50;

    private readonly IBusControl _bus;
    private readonly RabbitMqTestVhost _vhost;

    private Backlog(IBusControl bus, RabbitMqTestVhost vhost)
    {
        _bus = bus;
        _vhost = vhost;
    }

    public static async Task<Backlog> StartAsync(RabbitMqTestVhost vhost)
    {
        await DeclareAsync(vhost.Name);
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(TestInfrastructure.RabbitHost, (ushort)TestInfrastructure.RabbitPort, vhost.Name, host =>
        {
            host.Username(TestInfrastructure.RabbitUser);
            host.Password(TestInfrastructure.RabbitPassword);
        }));
        await bus.StartAsync();
        return new Backlog(bus, vhost);
    }

    /// <summary>Publishes <paramref name="batches"/> batches (confirmed by the broker), many in flight at once.</summary>
    public async Task PublishAsync(int batches)
    {
        await Parallel.ForEachAsync(
            Enumerable.Range(0, batches),
            new ParallelOptions { MaxDegreeOfParallelism = 64 },
            async (_, cancellationToken) =>
            {
                var batch = Batch();
                await _bus.Publish(batch, context => context.SetPriority((byte)batch.Priority), cancellationToken);
            });
    }

    /// <summary>Messages in the queue and their average size in bytes, from the management API.</summary>
    public async Task<(long Messages, double AverageBytes)> DepthAsync()
    {
        var queue = await _vhost.Management.GetFromJsonAsync<JsonElement>($"queues/{_vhost.EscapedName}/{Queue}");
        var messages = queue.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0;
        var bytes = queue.TryGetProperty("message_bytes", out var b) && b.ValueKind == JsonValueKind.Number ? b.GetInt64() : 0;
        return (messages, messages == 0 ? 0 : (double)bytes / messages);
    }

    /// <summary>Waits until the broker's statistics show what was published (counts and sizes lag by a few seconds).</summary>
    public Task WaitForDepthAsync(long atLeast) =>
        Eventually.Until(
            async () => await DepthAsync() is var (messages, averageBytes) && messages >= atLeast && averageBytes > 0,
            TimeSpan.FromSeconds(60),
            $"{atLeast} messages in {Queue} with their size",
            TimeSpan.FromMilliseconds(500));

    public async Task PurgeAsync()
    {
        (await _vhost.Management.DeleteAsync($"queues/{_vhost.EscapedName}/{Queue}/contents")).EnsureSuccessStatusCode();
        await Eventually.Until(async () => (await DepthAsync()).Messages == 0, TimeSpan.FromSeconds(60), $"{Queue} to be empty", TimeSpan.FromMilliseconds(500));
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync();

    /// <summary>A lead of realistic size: about the fields a CRM export carries.</summary>
    private static DeliverBatch Batch()
    {
        var job = NewId.NextGuid();
        var rows = new BatchRow[RowsPerBatch];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = new BatchRow($"{job:N}-{i}", i + 1, new Dictionary<string, JsonElement>
            {
                ["email"] = JsonSerializer.SerializeToElement($"first{i}.last{i}@company{i}.example.com"),
                ["first_name"] = JsonSerializer.SerializeToElement($"First{i}"),
                ["last_name"] = JsonSerializer.SerializeToElement($"Last{i}"),
                ["company_domain"] = JsonSerializer.SerializeToElement($"company{i}.example.com"),
                ["title"] = JsonSerializer.SerializeToElement("Chief Technology Officer"),
                ["industry"] = JsonSerializer.SerializeToElement("Software"),
            });
        }

        return new DeliverBatch(job, NewId.NextGuid(), ClaySim.Table, JobPriority.Normal, rows, RowsPerBatch * 6m, DateTimeOffset.UtcNow);
    }

    private static async Task DeclareAsync(string vhost)
    {
        var factory = new ConnectionFactory
        {
            HostName = TestInfrastructure.RabbitHost,
            Port = TestInfrastructure.RabbitPort,
            VirtualHost = vhost,
            UserName = TestInfrastructure.RabbitUser,
            Password = TestInfrastructure.RabbitPassword,
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync("ClayBus.Contracts.Delivery:DeliverBatch", ExchangeType.Fanout, durable: true);
        await channel.ExchangeDeclareAsync(Queue, ExchangeType.Fanout, durable: true);
        await channel.ExchangeBindAsync(Queue, "ClayBus.Contracts.Delivery:DeliverBatch", "");
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?> { ["x-max-priority"] = 10 });
        await channel.QueueBindAsync(Queue, Queue, "");
    }
}
