using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClayBus.ServiceDefaults.Redis;

internal sealed class RedisHealthCheck(RedisKeyspace redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // Bounded: while Redis is away a ping waits for the client's connect timeout, and a readiness probe (or
            // an operator) must get its answer, Unhealthy, well before that.
            var latency = await redis.Database.PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis cannot be reached", exception);
        }
    }
}
