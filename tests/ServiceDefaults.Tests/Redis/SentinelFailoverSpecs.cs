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

        await keyspace.Database.StringSetAsync("claim", "before");
        // A replica that is still syncing after the group's start acknowledges nothing yet: ask again until one has,
        // so the write killed below is one a replica acknowledged.
        await Eventually.Until(keyspace.ReplicatedAsync, TimeSpan.FromSeconds(30), "a replica to acknowledge the write (WAIT)");
        var killed = await group.KillPrimaryAsync();

        await Eventually.Until(async () => await group.PrimaryPortAsync() is var port && port != 0 && port != killed, TimeSpan.FromSeconds(60), "a Sentinel promoting a replica");
        await Eventually.Until(
            async () => await keyspace.Database.StringSetAsync("claim-after", "after") && (string?)await keyspace.Database.StringGetAsync("claim") == "before",
            TimeSpan.FromSeconds(30),
            "writes through the same multiplexer to the promoted replica");
        Assert.Equal("after", (string?)await keyspace.Database.StringGetAsync("claim-after"));
    }

    [Fact]
    public async Task Should_report_a_write_as_not_replicated_when_no_replica_can_acknowledge_it()
    {
        await using var group = await SentinelGroup.StartAsync();
        using var host = Host(group, replicasToAcknowledge: 3);
        var keyspace = host.Services.GetRequiredService<RedisKeyspace>();

        await keyspace.Database.StringSetAsync("claim", "x");

        Assert.False(await keyspace.ReplicatedAsync(), "three replicas acknowledged where only two exist");
    }

    private static IHost Host(SentinelGroup group, int replicasToAcknowledge)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration["Redis:Endpoints"] = group.Endpoints;
        builder.Configuration["Redis:SentinelServiceName"] = SentinelGroup.ServiceName;
        builder.Configuration["Redis:ReplicasToAcknowledge"] = replicasToAcknowledge.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Configuration["Redis:ReplicaAcknowledgeTimeoutMs"] = "300";
        builder.Configuration["Redis:KeyPrefix"] = "sentinel-spec:";
        builder.AddClayBusRedis();
        return builder.Build();
    }
}
