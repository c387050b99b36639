using System.Reflection;
using MassTransit;

namespace ClayBus.Monitor.Tests.Callbacks;

/// <summary>
/// A bus whose publishes fail (as on a channel a lost node closed) or wait for a connection while the gate is shut,
/// and pass through to <see cref="Inner"/> (or complete, without one) while it is open.
/// </summary>
public class BrokerGate : DispatchProxy
{
    /// <summary>The bus publishes pass to while the gate is open; none: they just complete.</summary>
    public IBus? Inner { get; set; }

    public BrokerState State { get; set; } = BrokerState.Up;

    public int Published { get; private set; }

    public static (IBus Bus, BrokerGate Gate) Over(IBus? inner = null)
    {
        var bus = Create<IBus, BrokerGate>();
        var gate = (BrokerGate)(object)bus;
        gate.Inner = inner;
        return (bus, gate);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name == nameof(IPublishEndpoint.Publish))
        {
            var cancellationToken = args!.OfType<CancellationToken>().FirstOrDefault();
            switch (State)
            {
                case BrokerState.Failing:
                    throw new InvalidOperationException("ObjectDisposedException on channel");
                case BrokerState.Hanging:
                    return Task.Delay(Timeout.Infinite, cancellationToken);
            }

            Published++;
            if (Inner is null)
            {
                return Task.CompletedTask;
            }
        }

        return targetMethod.Invoke(Inner ?? throw new NotSupportedException(targetMethod.Name), args);
    }
}

public enum BrokerState
{
    Up,
    Failing,
    Hanging,
}
