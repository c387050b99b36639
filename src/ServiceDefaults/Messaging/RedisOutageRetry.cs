using ClayBus.ServiceDefaults.Redis;
using MassTransit;

namespace ClayBus.ServiceDefaults.Messaging;

/// <summary>
/// Every consumer of every service keeps its state in Redis, so a Redis outage (a restart while the append-only file
/// loads, a Sentinel failover refusing writes with READONLY, a full Redis refusing them with OOM: see
/// <see cref="RedisRefusal"/>) must not send messages to <c>_error</c>: they wait here and go on when Redis is back.
/// The retry is in memory and so holds its concurrency slot, which is the back-pressure wanted during an outage. The
/// window is about a minute because the client's own reconnect adds seconds to the server's restart; a longer outage
/// dead-letters, and the operator requeues (docs/operations.md, "Dead letters"). The Enricher pauses delivery instead.
/// </summary>
public static class RedisOutageRetry
{
    public static void UseRedisOutageRetry(this IConsumePipeConfigurator pipe) =>
        pipe.UseMessageRetry(retry =>
        {
            retry.Handle<Exception>(RedisRefusal.IsOutage);
            retry.Intervals(250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000, 15_000);
        });

    /// <summary>
    /// An endpoint's own retry must leave Redis outages to the bus-level retry above: once a nested MassTransit retry
    /// has handled an exception and run out, it marks the message as retried and the outer retry gives up at once, so
    /// a consumer with a short retry of its own would dead-letter after a second instead of waiting out the restart.
    /// </summary>
    public static void IgnoreRedisOutages(this IRetryConfigurator retry) =>
        retry.Ignore<Exception>(RedisRefusal.IsOutage);
}
