namespace ClayBus.ServiceDefaults.Messaging;

/// <summary>
/// A service that stops a receive endpoint on purpose (the Enricher pausing deliveries) tells the
/// <see cref="ConsumerWatchdog"/> which queues are stopped that way, so a pause is never mistaken for a stall.
/// </summary>
public interface IDeliberateEndpointStops
{
    bool IsStoppedOnPurpose(string queue);
}
