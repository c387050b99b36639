using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Enricher.Delivery;

/// <summary>Jobs cancelled by an operator, remembered in Redis so every instance skips their remaining batches.</summary>
public sealed class CancelledJobs(RedisKeyspace redis, IOptionsMonitor<DeliveryOptions> options)
{
    public Task CancelAsync(Guid jobId) =>
        redis.Database.StringSetAsync(Key(jobId), "1", TimeSpan.FromDays(options.CurrentValue.CancelledJobDays));

    public Task<bool> IsCancelledAsync(Guid jobId) => redis.Database.KeyExistsAsync(Key(jobId));

    private static RedisKey Key(Guid jobId) => $"delivery:cancelled:{jobId:N}";
}
