using ClayBus.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ClayBus.ServiceDefaults.Tests.Redis;

/// <summary>
/// A MULTI whose write Redis refuses ends in <c>EXECABORT</c>, without the reason (OOM when full, READONLY in a
/// failover): it must still read as an outage to wait out, not a fault to dead-letter (the Monitor's scheduler
/// dead-lettered a message that way while Redis was full).
/// </summary>
[Trait("Category", "Integration")]
public sealed class RedisTransactionRefusalSpecs
{
    [Fact]
    public async Task Should_read_a_transaction_a_full_redis_refused_as_an_outage()
    {
        await using var group = await SentinelGroup.StartAsync();
        var primary = await group.PrimaryPortAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{primary},allowAdmin=true");
        await connection.GetServer($"127.0.0.1:{primary}").ConfigSetAsync("maxmemory", "1");
        var transaction = connection.GetDatabase().CreateTransaction();
        _ = transaction.StringSetAsync("scheduler:message", "envelope");

        var refused = await Record.ExceptionAsync(() => transaction.ExecuteAsync());

        Assert.NotNull(refused);
        Assert.Equal(RedisRefusalKind.Full, RedisRefusal.Classify(refused));
    }
}
