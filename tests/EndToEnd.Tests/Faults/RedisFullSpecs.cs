using System.Diagnostics;
using System.Globalization;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;
using StackExchange.Redis;

namespace ClayBus.EndToEnd.Tests.Faults;

/// <summary>
/// A Redis of this class's own (never the shared one) with <c>noeviction</c>, driven to its <c>maxmemory</c> mid-run:
/// writes are refused with OOM, the Enrichers pause with <c>redis-full</c> instead of dead-lettering, and deliver the
/// rest once memory is freed, with nothing lost by ClaySim's counters.
/// </summary>
public sealed class FullRedisFixture : InfrastructureFixture
{
    private readonly string _directory = Directory.CreateTempSubdirectory("claybus-full-redis-").FullName;
    private Process? _server;

    public int Port { get; } = ServiceProcess.FreePort();

    public string Endpoints => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    // The services wait up to 20 s for a Redis answer (StackExchange.Redis's default is 5 s): on a loaded machine the
    // Monitor's calls timed out before the OOM, and the scenario is about the refusal, not about slowness.
    public override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Redis:Endpoints"] = Endpoints + ",syncTimeout=20000,asyncTimeout=20000",
    };

    public override async Task InitializeAsync()
    {
        _ = TestInfrastructure.RedisEndpoints; // fails at once in the fast lane, naming the trait
        _server = Process.Start(new ProcessStartInfo("redis-server", $"--port {Port} --bind 127.0.0.1 --save \"\" --appendonly no --maxmemory-policy noeviction --dir {_directory}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _server.OutputDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        await Eventually.Until(async () => await PingsAsync(), TimeSpan.FromSeconds(30), $"the test's own Redis on {Port}");
        Rabbit = await RabbitMqTestVhost.CreateAsync(Purpose);
        Redis = await RedisTestKeyspace.CreateAsync(Purpose, Endpoints);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<bool> PingsAsync()
    {
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(Endpoints + ",abortConnect=false,connectTimeout=1000");
            return connection.IsConnected && await connection.GetDatabase().PingAsync() >= TimeSpan.Zero;
        }
        catch (RedisConnectionException)
        {
            return false;
        }
    }
}

[Trait("Category", "Integration")]
public sealed class RedisFullSpecs(FullRedisFixture redis) : IClassFixture<FullRedisFixture>
{
    private const int RowsInFlightPerEnricher = 4 * 50;
    private const int BallastBytes = 4 * 1024 * 1024;

    [Fact]
    public async Task Should_pause_while_redis_is_full_and_deliver_everything_once_memory_is_freed()
    {
        await using var pipeline = await Pipeline.StartAsync(redis, Measure.Settings(claySim: RecoverySettings.PatientClay));
        var leads = LeadFile.Create(PipelineSettings.Rows(quick: 1_500, full: 3_000), batch: "redis-full", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        var server = redis.Redis.Connection.GetServer(redis.Endpoints);
        try
        {
            var jobId = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();
            await Eventually.Until(async () => await pipeline.DistinctAtClayAsync() >= leads.ExpectedAccepted / 5, TimeSpan.FromMinutes(2), "delivery under way");

            // Full: maxmemory just above what is used, then a ballast that crosses it; every later write gets OOM.
            var used = long.Parse((await server.InfoAsync("memory")).SelectMany(group => group).First(pair => pair.Key == "used_memory").Value, CultureInfo.InvariantCulture);
            await server.ConfigSetAsync("maxmemory", (used + (BallastBytes / 2)).ToString(CultureInfo.InvariantCulture));
            try
            {
                await redis.Redis.Database.StringSetAsync(redis.Redis.Prefix + "ballast", new byte[BallastBytes]);
            }
            catch (RedisServerException full) when (full.Message.StartsWith("OOM", StringComparison.Ordinal))
            {
                // The services' own writes crossed maxmemory first.
            }

            await Eventually.Until(() => EnricherReadiness.AnySaysAsync(pipeline, "redis-full"), TimeSpan.FromSeconds(60), "an Enricher to pause for the full Redis");
            Assert.Equal(0, await Measure.DeadLettersAsync(pipeline));

            await redis.Redis.Database.KeyDeleteAsync(redis.Redis.Prefix + "ballast");
            await server.ConfigSetAsync("maxmemory", "0");

            await Measure.WaitForClayAsync(pipeline, leads.ExpectedAccepted, TimeSpan.FromMinutes(4));
            await pipeline.WaitForJobAsync(jobId, TimeSpan.FromMinutes(4), "completed", "completedWithFailures");
            await Eventually.Until(async () => !await EnricherReadiness.AnySaysAsync(pipeline, "redis-full"), TimeSpan.FromSeconds(60), "every Enricher to resume by itself");
            FaultLedger.RecordAndAssert(await Measure.FiguresAsync(pipeline, "redis_full", leads.ExpectedAccepted, pipeline.Enrichers.Count * RowsInFlightPerEnricher));
            Assert.Equal(0, await Measure.DeadLettersAsync(pipeline));
        }
        finally
        {
            await pipeline.SaveOutputAsync("redis-full");
        }
    }
}
