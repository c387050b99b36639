using System.Diagnostics;
using System.Net;
using ClayBus.Testing;
using StackExchange.Redis;

namespace ClayBus.ServiceDefaults.Tests.Redis;

/// <summary>
/// A Redis primary, two replicas and three Sentinels of this test's own, on free loopback ports, from the
/// redis-server that scripts/infra.sh installs; everything is killed and deleted on dispose.
/// </summary>
public sealed class SentinelGroup : IAsyncDisposable
{
    public const string ServiceName = "claybus-test";

    private readonly string _directory = Directory.CreateTempSubdirectory("claybus-sentinel-").FullName;
    private readonly List<Process> _processes = [];

    private SentinelGroup()
    {
    }

    public int[] RedisPorts { get; } = [ServiceProcess.FreePort(), ServiceProcess.FreePort(), ServiceProcess.FreePort()];

    public int[] SentinelPorts { get; } = [ServiceProcess.FreePort(), ServiceProcess.FreePort(), ServiceProcess.FreePort()];

    /// <summary>The <c>Redis:Endpoints</c> value for the Sentinels.</summary>
    public string Endpoints => string.Join(",", SentinelPorts.Select(port => $"127.0.0.1:{port}"));

    public static async Task<SentinelGroup> StartAsync()
    {
        var group = new SentinelGroup();
        group.Start("redis-server", $"--port {group.RedisPorts[0]} --bind 127.0.0.1 --save \"\" --appendonly no");
        foreach (var port in group.RedisPorts[1..])
        {
            group.Start("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no --replicaof 127.0.0.1 {group.RedisPorts[0]}");
        }

        foreach (var port in group.SentinelPorts)
        {
            var file = Path.Combine(group._directory, $"sentinel-{port}.conf");
            await File.WriteAllTextAsync(file, $"""
                port {port}
                bind 127.0.0.1
                sentinel monitor {ServiceName} 127.0.0.1 {group.RedisPorts[0]} 2
                sentinel down-after-milliseconds {ServiceName} 1000
                sentinel failover-timeout {ServiceName} 5000
                """);
            group.Start("redis-server", $"{file} --sentinel");
        }

        await Eventually.Until(async () => await group.ReplicasOnlineAsync() == 2, TimeSpan.FromSeconds(30), "two replicas in sync with the primary");
        // Sentinels learn the replicas and each other over seconds (INFO every 10 s): a primary killed before that
        // has no replica any Sentinel could promote.
        await Eventually.Until(async () => await group.SentinelsReadyAsync(), TimeSpan.FromSeconds(60), "every Sentinel to know both replicas and the other Sentinels");
        return group;
    }

    private async Task<bool> SentinelsReadyAsync()
    {
        foreach (var port in SentinelPorts)
        {
            await using var sentinel = await ConnectSentinelAsync(port);
            var master = (await sentinel.GetServer($"127.0.0.1:{port}").SentinelMasterAsync(ServiceName)).ToDictionary(pair => pair.Key, pair => pair.Value);
            if (master.GetValueOrDefault("num-slaves") != "2" || master.GetValueOrDefault("num-other-sentinels") != "2")
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<ConnectionMultiplexer> ConnectSentinelAsync(int port)
    {
        // A Sentinel answers only its own commands (no ECHO, no tie-breaker): connect with its command map.
        var options = new ConfigurationOptions { CommandMap = CommandMap.Sentinel, TieBreaker = "", AllowAdmin = true, AbortOnConnectFail = false };
        options.EndPoints.Add("127.0.0.1", port);
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    public async Task<int> PrimaryPortAsync()
    {
        await using var sentinel = await ConnectSentinelAsync(SentinelPorts[0]);
        var primary = await sentinel.GetServer($"127.0.0.1:{SentinelPorts[0]}").SentinelGetMasterAddressByNameAsync(ServiceName);
        return (primary as IPEndPoint)?.Port ?? 0;
    }

    /// <summary>kill -9 of the primary: no chance to hand over, as in a node failure.</summary>
    public async Task<int> KillPrimaryAsync()
    {
        var port = await PrimaryPortAsync();
        var process = _processes.Single(p => p.StartInfo.Arguments.StartsWith($"--port {port} ", StringComparison.Ordinal));
        process.Kill();
        await process.WaitForExitAsync();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private async Task<int> ReplicasOnlineAsync()
    {
        await using var primary = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{RedisPorts[0]},allowAdmin=true,abortConnect=false");
        var info = await primary.GetServer($"127.0.0.1:{RedisPorts[0]}").InfoRawAsync("replication") ?? "";
        return info.Split('\n').Count(line => line.StartsWith("slave", StringComparison.Ordinal) && line.Contains("state=online", StringComparison.Ordinal));
    }

    private void Start(string file, string arguments)
    {
        var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException($"{file} did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }
}
