using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClayBus.Contracts.Delivery;
using ClayBus.Testing;
using MassTransit;
using MassTransit.Scheduling;

namespace ClayBus.Enricher.Tests.Fixtures;

/// <summary>A parked batch as the scheduler received it.</summary>
public sealed record ParkedBatch(DeliverBatch Batch, Guid? MessageId, DateTime DueAt, Uri Destination, byte? Priority, int Parked);

/// <summary>
/// Stands for the Monitor's scheduler: binds the queue <c>scheduler</c>, keeps every <c>ScheduleMessage</c> and
/// sends the parked batches back when the test says so, with their message id and priority (as the Monitor's
/// forwarder does).
/// </summary>
public sealed class SchedulerStandIn : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly ConcurrentQueue<ParkedBatch> _parked = new();
    private IBusControl _bus = null!;

    public IReadOnlyList<ParkedBatch> Parked => [.. _parked];

    public static async Task<SchedulerStandIn> StartAsync(string virtualHost)
    {
        var standIn = new SchedulerStandIn();
        standIn._bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(TestInfrastructure.RabbitHost, (ushort)TestInfrastructure.RabbitPort, virtualHost, host =>
            {
                host.Username(TestInfrastructure.RabbitUser);
                host.Password(TestInfrastructure.RabbitPassword);
            });
            cfg.ReceiveEndpoint("scheduler", e => e.Handler<ScheduleMessage>(context =>
            {
                var payload = context.Message.Payload is JsonElement element ? element : JsonSerializer.SerializeToElement(context.Message.Payload, Json);
                var batch = payload.Deserialize<DeliverBatch>(Json)!;
                standIn._parked.Enqueue(new ParkedBatch(
                    batch,
                    context.MessageId,
                    context.Message.ScheduledTime,
                    context.Message.Destination,
                    context.Headers.Get<int>("ClayBus-Priority") is { } p ? (byte)p : null,
                    context.Headers.Get<int>("ClayBus-Parked") ?? 0));
                return Task.CompletedTask;
            }));
        });
        await standIn._bus.StartAsync();
        return standIn;
    }

    /// <summary>Sends every batch parked so far back to the <c>DeliverBatch</c> exchange, and forgets them.</summary>
    public async Task<int> ReleaseAllAsync()
    {
        var sent = 0;
        while (_parked.TryDequeue(out var parked))
        {
            await _bus.Publish(parked.Batch, send =>
            {
                send.MessageId = parked.MessageId;
                if (parked.Priority is { } priority)
                {
                    send.SetPriority(priority);
                }
            });
            sent++;
        }

        return sent;
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}
