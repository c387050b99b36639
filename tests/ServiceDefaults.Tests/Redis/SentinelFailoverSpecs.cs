using ClayBus.ServiceDefaults.Redis;
using ClayBus.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClayBus.ServiceDefaults.Tests.Redis;

/// <summary>A ClayBus process on a replicated Redis: it follows the Sentinels' primary across a kill -9, without a restart.</summary>
[Trait("Category", "Integration")]
public sealed class SentinelFailoverSpecs
{
    [Fact]
    public async Task Should_follow_the_new_primary_after_a_kill_and_keep_acknowledged_writes()
    {
        await using var group = await SentinelGroup.StartAsync();
        using var host = Host(group, replicasToAcknowledge: 1);
        var keyspace = host.Services.GetRequiredService<RedisKeyspace>();

        // A replica that is still syncing after the group's start acknowledges nothing yet: write until one has, so
        // the write killed below is one a replica acknowledged.
        await Eventually.Until(
            async () =>
            {
                var writes = keyspace.MarkWrites();
                return await keyspace.Database.StringSetAsync("claim", "before") && await keyspace.ReplicatedAsync(writes);
            },
            TimeSpan.FromSeconds(30),
            "a replica to acknowledge the write (WAIT)");
        var killed = await group.KillPrimaryAsync();

        await Eventually.Until(async () => await group.PrimaryPortAsync() is var port && port != 0 && port != killed, TimeSpan.FromSeconds(60), "a Sentinel promoting a replica");
        await Eventually.Until(
            async () => await keyspace.Database.StringSetAsync("claim-after", "after") && (string?)await keyspace.Database.StringGetAsync("claim") == "before",
            TimeSpan.FromSeconds(30),
            "writes through the same multiplexer to the promoted replica");
        Assert.Equal("after", (string?)await keyspace.Database.StringGetAsync("claim-after"));
    }

    [Fact]
    public async Task Should_never_report_a_write_made_before_a_failover_as_replicated_after_it()
    {
        // The client queues a WAIT it could not send and hands it to the promoted replica, which has no write of this
        // connection to wait for and answers with its replica count at once: the write itself died with the old primary.
        await using var group = await SentinelGroup.StartAsync();
        using var host = Host(group, replicasToAcknowledge: 1);
        var keyspace = host.Services.GetRequiredService<RedisKeyspace>();
        var writes = keyspace.MarkWrites();
        await keyspace.Database.StringSetAsync("claim", "before the kill");
        var killed = await group.KillPrimaryAsync();

        await Eventually.Until(async () => await group.PrimaryPortAsync() is var port && port != 0 && port != killed, TimeSpan.FromSeconds(60), "a Sentinel promoting a replica");
        await Eventually.Until(
            async () =>
            {
                var after = keyspace.MarkWrites();
                return await keyspace.Database.StringSetAsync("claim-after", "after") && await keyspace.ReplicatedAsync(after);
            },
            TimeSpan.FromSeconds(60),
            "a write after the failover acknowledged by a replica of the promoted primary");

        Assert.False(await keyspace.ReplicatedAsync(writes), "a write made before the failover was reported replicated after it");
    }

    [Fact]
    public async Task Should_report_a_write_as_not_replicated_when_no_replica_can_acknowledge_it()
    {
        await using var group = await SentinelGroup.StartAsync();
        using var host = Host(group, replicasToAcknowledge: 3);
        var keyspace = host.Services.GetRequiredService<RedisKeyspace>();

        var writes = keyspace.MarkWrites();
        await keyspace.Database.StringSetAsync("claim", "x");

        Assert.False(await keyspace.ReplicatedAsync(writes), "three replicas acknowledged where only two exist");
    }

    [Fact]
    public async Task Should_report_writes_as_not_replicated_on_a_node_that_became_a_replica()
    {
        // As a process still talking to a demoted primary right after a failover: WAIT there is an error, not an answer.
        await using var group = await SentinelGroup.StartAsync();
        var primary = await group.PrimaryPortAsync();
        var replica = group.RedisPorts.First(port => port != primary);
        using var host = Host(group, replicasToAcknowledge: 1, endpoints: $"127.0.0.1:{replica}");
        var keyspace = host.Services.GetRequiredService<RedisKeyspace>();

        Assert.False(await keyspace.ReplicatedAsync(keyspace.MarkWrites()), "WAIT on a replica proved nothing replicated");
    }

    private static IHost Host(SentinelGroup group, int replicasToAcknowledge, string? endpoints = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration["Redis:Endpoints"] = endpoints ?? group.Endpoints;
        builder.Configuration["Redis:SentinelServiceName"] = endpoints is null ? SentinelGroup.ServiceName : "";
        builder.Configuration["Redis:ReplicasToAcknowledge"] = replicasToAcknowledge.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Configuration["Redis:ReplicaAcknowledgeTimeoutMs"] = "300";
        builder.Configuration["Redis:KeyPrefix"] = "sentinel-spec:";
        builder.AddClayBusRedis();
        return builder.Build();
    }
}
