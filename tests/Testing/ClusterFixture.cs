using System.Globalization;
using System.Net.Http.Json;
using Xunit;

namespace ClayBus.Testing;

/// <summary>
/// The production topology that <c>scripts/cluster.sh up</c> runs on this machine: three RabbitMQ nodes and a Redis
/// primary with two replicas behind three Sentinels. A vhost and key prefix of its own, as <see cref="InfrastructureFixture"/>;
/// services get the node list, quorum queues (deliver-batch mirrored to every node) and Sentinel settings.
/// </summary>
public class ClusterFixture : InfrastructureFixture
{
    public const string SentinelService = "claybus";

    public static int[] AmqpPorts { get; } = [5701, 5702, 5703];

    public static int[] ManagementPorts { get; } = [15701, 15702, 15703];

    public static int[] SentinelPorts { get; } = [26400, 26401, 26402];

    public static string SentinelEndpoints => string.Join(",", SentinelPorts.Select(port => $"127.0.0.1:{port}"));

    public override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["RabbitMq:Port"] = AmqpPorts[0].ToString(CultureInfo.InvariantCulture),
        ["RabbitMq:ClusterNodes"] = string.Join(",", AmqpPorts.Select(port => $"{TestInfrastructure.RabbitHost}:{port}")),
        ["RabbitMq:ManagementPort"] = ManagementPorts[0].ToString(CultureInfo.InvariantCulture),
        ["RabbitMq:ManagementNodes"] = string.Join(",", ManagementPorts.Select(port => $"{TestInfrastructure.RabbitHost}:{port}")),
        ["RabbitMq:QuorumQueues"] = "true",
        ["Redis:Endpoints"] = SentinelEndpoints,
        ["Redis:SentinelServiceName"] = SentinelService,
        ["Redis:ReplicasToAcknowledge"] = "1",
    };

    public override async Task InitializeAsync()
    {
        // xUnit builds a class's fixtures even when every test in it is skipped: without the cluster, stay empty.
        if (!ClusterFactAttribute.Enabled)
        {
            return;
        }

        try
        {
            Rabbit = await RabbitMqTestVhost.CreateAsync(Purpose, ManagementPorts[0]);
            Redis = await RedisTestKeyspace.CreateAsync(Purpose, $"{SentinelEndpoints},serviceName={SentinelService}");
        }
        catch (Exception exception) when (exception is HttpRequestException or StackExchange.Redis.RedisConnectionException)
        {
            throw new InvalidOperationException($"the local cluster does not answer ({exception.Message}): run scripts/cluster.sh up (scripts/test.sh does)", exception);
        }

        // deliver-batch keeps its priorities, so it stays classic: mirrored to every node, it outlives the node it lives on.
        // Its -high and -low paths are quorum queues here (QuorumQueues); the pattern covers them when they are classic,
        // and the classic dead-letter queues. Only a synchronised mirror is promoted, as scripts/cluster.sh sets it.
        using var policy = await Rabbit.Management.PutAsJsonAsync(
            $"policies/{Rabbit.EscapedName}/deliver-batch-mirrored",
            new
            {
                pattern = "^deliver-batch(-high|-low)?(_error|_skipped)?$",
                definition = new Dictionary<string, object>
                {
                    ["ha-mode"] = "all",
                    ["ha-sync-mode"] = "automatic",
                    ["ha-promote-on-failure"] = "when-synced",
                    ["ha-promote-on-shutdown"] = "when-synced",
                },
                priority = 1,
                apply_to = "queues",
            });
        policy.EnsureSuccessStatusCode();
    }
}

/// <summary>
/// A node-loss scenario: it needs <c>scripts/cluster.sh up</c> and runs only with <c>CLAYBUS_CLUSTER=1</c>, which the
/// cluster part of <c>scripts/test.sh</c> sets once the cluster is up; the end-to-end part before it skips them.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ClusterFactAttribute : FactAttribute
{
    public const string Switch = "CLAYBUS_CLUSTER";

    public static bool Enabled => Environment.GetEnvironmentVariable(Switch) == "1";

    public ClusterFactAttribute()
    {
        if (!Enabled)
        {
            Skip = $"needs the local cluster: the cluster part of scripts/test.sh runs it (scripts/test.sh --filter ClusterFailoverSpecs), or scripts/cluster.sh up and {Switch}=1";
        }
    }
}
