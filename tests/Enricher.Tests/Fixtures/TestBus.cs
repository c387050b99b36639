using System.Collections.Concurrent;
using ClayBus.Contracts.Credits;
using ClayBus.Contracts.Delivery;
using ClayBus.Testing;
using MassTransit;

namespace ClayBus.Enricher.Tests.Fixtures;

/// <summary>
/// A bus standing for the Submitter and the Monitor: publishes batches with their priority and records every event
/// the Enricher publishes, on an observer queue of its own.
/// </summary>
public sealed class TestBus : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Type, ConcurrentQueue<object>> _seen = new();
    private IBusControl _bus = null!;

    public IBus Bus => _bus;

    public static async Task<TestBus> StartAsync(string virtualHost)
    {
        var test = new TestBus();
        test._bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(TestInfrastructure.RabbitHost, (ushort)TestInfrastructure.RabbitPort, virtualHost, host =>
            {
                host.Username(TestInfrastructure.RabbitUser);
                host.Password(TestInfrastructure.RabbitPassword);
            });
            cfg.ReceiveEndpoint("test-observer", e =>
            {
                test.Observe<BatchDelivered>(e);
                test.Observe<Fault<DeliverBatch>>(e);
                test.Observe<DeliveryPaused>(e);
                test.Observe<DeliveryResumed>(e);
                test.Observe<WebhookRotated>(e);
                test.Observe<WebhookCapacityLow>(e);
                test.Observe<WebhookPoolExhausted>(e);
                test.Observe<TableFull>(e);
                test.Observe<BudgetExhausted>(e);
                test.Observe<BudgetThresholdReached>(e);
                test.Observe<BudgetReset>(e);
                test.Observe<BudgetLimitChanged>(e);
            });
        });
        await test._bus.StartAsync();
        return test;
    }

    public IReadOnlyList<T> Seen<T>() where T : class =>
        _seen.TryGetValue(typeof(T), out var queue) ? [.. queue.Cast<T>()] : [];

    public Task PublishAsync(DeliverBatch batch) =>
        _bus.Publish(batch, context => context.SetPriority((byte)batch.Priority));

    public async ValueTask DisposeAsync() => await _bus.StopAsync();

    private void Observe<T>(IReceiveEndpointConfigurator endpoint) where T : class =>
        endpoint.Handler<T>(context =>
        {
            _seen.GetOrAdd(typeof(T), _ => new ConcurrentQueue<object>()).Enqueue(context.Message);
            return Task.CompletedTask;
        });
}
