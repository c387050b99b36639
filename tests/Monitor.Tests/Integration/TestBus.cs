using ClayBus.Testing;
using MassTransit;

namespace ClayBus.Monitor.Tests.Integration;

/// <summary>A bare bus in the test process (no Monitor consumers): publishes as the other services do, and records what the Monitor publishes.</summary>
public sealed class TestBus : IAsyncDisposable
{
    private readonly IBusControl _bus;

    private TestBus(IBusControl bus, EventRecorder events)
    {
        _bus = bus;
        Events = events;
    }

    public IBus Bus => _bus;

    public EventRecorder Events { get; }

    public static async Task<TestBus> StartAsync(InfrastructureFixture infrastructure, Action<IReceiveEndpointConfigurator, Action<object>> record)
    {
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(TestInfrastructure.RabbitHost, (ushort)TestInfrastructure.RabbitPort, infrastructure.Rabbit.Name, host =>
            {
                host.Username(TestInfrastructure.RabbitUser);
                host.Password(TestInfrastructure.RabbitPassword);
            });
        });
        await bus.StartAsync();
        return new TestBus(bus, await EventRecorder.StartAsync(bus, record));
    }

    public async ValueTask DisposeAsync()
    {
        await Events.DisposeAsync();
        await _bus.StopAsync();
    }
}
