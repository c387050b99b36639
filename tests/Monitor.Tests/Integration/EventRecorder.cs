using System.Collections.Concurrent;
using MassTransit;

namespace ClayBus.Monitor.Tests.Integration;

/// <summary>A temporary queue on a running bus that keeps every message of the given types, to assert on what was published.</summary>
public sealed class EventRecorder : IAsyncDisposable
{
    private readonly ConcurrentQueue<object> _messages = new();
    private HostReceiveEndpointHandle _handle = null!;

    public IReadOnlyList<T> Of<T>() => [.. _messages.OfType<T>()];

    public static async Task<EventRecorder> StartAsync(IBus bus, Action<IReceiveEndpointConfigurator, Action<object>> handlers)
    {
        var recorder = new EventRecorder();
        recorder._handle = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance, endpoint =>
            handlers(endpoint, recorder._messages.Enqueue));
        await recorder._handle.Ready;
        return recorder;
    }

    public async ValueTask DisposeAsync() => await _handle.StopAsync();
}
