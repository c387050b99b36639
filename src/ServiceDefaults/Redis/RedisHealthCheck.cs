using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClayBus.ServiceDefaults.Redis;

internal sealed class RedisHealthCheck(RedisKeyspace redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.Database.PingAsync();
            return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis cannot be reached", exception);
        }
    }
}
