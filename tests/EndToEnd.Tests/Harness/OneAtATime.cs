// Each suite runs five processes on a two-core machine but spends most of its time waiting (Clay's rate, stuck
// timeouts, outages), so two suites run side by side. xunit's default (conservative) algorithm starts a suite only
// when another ends; scripts/test.sh sets the width with CLAYBUS_E2E_LANES (1 runs them one after another).
[assembly: CollectionBehavior(MaxParallelThreads = 2)]

namespace ClayBus.EndToEnd.Tests.Harness;

/// <summary>Suites that stop or restart the machine's shared RabbitMQ or Redis: they run alone, after every other suite.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedServers
{
    public const string Name = "shared servers";
}
