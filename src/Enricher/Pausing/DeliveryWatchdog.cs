using ClayBus.ServiceDefaults.Messaging;

namespace ClayBus.Enricher.Pausing;

/// <summary>
/// The consumer watchdog for the Enricher: after a broker node is lost, an Enricher whose deliver-batch consumer did
/// not come back exits for its supervisor to restart it; a deliberate pause (budget, ledger, Clay down) is not a stall.
/// </summary>
public sealed class DeliveryWatchdog(DeliveryPause pause) : IDeliberateEndpointStops
{
    public bool IsStoppedOnPurpose(string queue) => pause.IsPaused && Delivery.DeliveryQueues.IsDeliveryQueue(queue);
}

public static class DeliveryWatchdogSetup
{
    public static IHostApplicationBuilder AddDeliveryWatchdog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IDeliberateEndpointStops, DeliveryWatchdog>();
        return builder.AddConsumerWatchdog();
    }
}
