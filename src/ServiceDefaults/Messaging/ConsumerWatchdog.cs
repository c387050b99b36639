using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClayBus.ServiceDefaults.Messaging;

/// <summary>
/// MassTransit 8.5 can leave a receive endpoint without its broker consumer after a broker restart under load:
/// messages in flight when the connection dropped finish on a dead channel, and some endpoints never consume again
/// while the bus still reports Ready (seen in the RabbitMQ-restart fault test; MassTransit issues #2072 and #5692
/// describe the same). This asks the broker, through the management API, which queues have a consumer on this
/// process's connection; when a queue this process consumed from has had none for <c>StallSeconds</c>, it ends the
/// process with exit code 75 so that its supervisor (Kubernetes, compose, systemd) starts a new one. Restarting the bus
/// in the process was tried first and did not bring the consumers back. Every service keeps its state in Redis and
/// unacknowledged messages return to their queue, so a restart loses nothing. A service that stops an endpoint on
/// purpose (the Enricher pausing delivery) names it through <see cref="IDeliberateEndpointStops"/>. Each process adds
/// a random share of <c>JitterSeconds</c> to the stall time, so replicas that lost the same node do not exit together.
/// </summary>
public sealed partial class ConsumerWatchdog(
    ConsumerWatchdogIdentity identity,
    IStalledProcessExit exit,
    IOptions<RabbitMqOptions> rabbit,
    IOptions<ConsumerWatchdogOptions> options,
    IEnumerable<IDeliberateEndpointStops> deliberateStops,
    TimeProvider clock,
    ILogger<ConsumerWatchdog> logger) : BackgroundService
{
    private readonly HttpClient _management = CreateManagementClient(rabbit.Value);
    private readonly IReadOnlyList<Uri> _apis = rabbit.Value.ManagementApis;
    private int _answering;
    private readonly HashSet<string> _consumedQueues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _missingSince = new(StringComparer.Ordinal);
    private readonly TimeSpan _stallAfter = TimeSpan.FromSeconds(options.Value.StallSeconds + (Random.Shared.NextDouble() * options.Value.JitterSeconds));
    private volatile string[] _watched = [];

    /// <summary>The queues this process has been seen consuming from, which the watchdog keeps an eye on.</summary>
    public IReadOnlyCollection<string> WatchedQueues => _watched;

    public override void Dispose()
    {
        _management.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.IntervalSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (await ReadOwnQueuesAsync(stoppingToken) is not { } consuming)
            {
                // The broker or its management API is away: nothing can be judged, and MassTransit is reconnecting.
                _missingSince.Clear();
                continue;
            }

            if (Stalled(consuming) is { Count: > 0 } stalled)
            {
                var queues = string.Join(", ", stalled);
                LogStalled(queues, (int)_stallAfter.TotalSeconds);
                exit.Exit(queues);
                return;
            }
        }
    }

    /// <returns>Queues with no consumer of this process for longer than the stall time.</returns>
    private List<string> Stalled(HashSet<string> consuming)
    {
        var now = clock.GetUtcNow();
        _consumedQueues.UnionWith(consuming);
        _watched = [.. _consumedQueues];
        foreach (var queue in _consumedQueues)
        {
            if (consuming.Contains(queue) || deliberateStops.Any(stops => stops.IsStoppedOnPurpose(queue)))
            {
                _missingSince.Remove(queue);
            }
            else
            {
                _missingSince.TryAdd(queue, now);
            }
        }

        return [.. _missingSince.Where(missing => now - missing.Value >= _stallAfter).Select(missing => missing.Key).Order(StringComparer.Ordinal)];
    }

    /// <returns>
    /// Queues with a consumer on this process's connections, or null when no node's management API can tell. Starts at
    /// the node that answered last and tries the others in turn: the node it asked may be the one that was lost.
    /// </returns>
    private async Task<HashSet<string>?> ReadOwnQueuesAsync(CancellationToken cancellationToken)
    {
        for (var tried = 0; tried < _apis.Count; tried++)
        {
            var node = (_answering + tried) % _apis.Count;
            if (await ReadOwnQueuesAsync(_apis[node], cancellationToken) is { } consuming)
            {
                _answering = node;
                return consuming;
            }
        }

        return null;
    }

    private async Task<HashSet<string>?> ReadOwnQueuesAsync(Uri api, CancellationToken cancellationToken)
    {
        try
        {
            var vhost = Uri.EscapeDataString(rabbit.Value.VirtualHost);
            var connections = await _management.GetFromJsonAsync<JsonElement>(new Uri(api, $"vhosts/{vhost}/connections?columns=name,user_provided_name"), cancellationToken);
            var ours = connections.EnumerateArray()
                .Where(c => c.TryGetProperty("user_provided_name", out var provided) && provided.GetString() == identity.ConnectionName)
                .Select(c => c.GetProperty("name").GetString())
                .ToHashSet(StringComparer.Ordinal);
            var consumers = await _management.GetFromJsonAsync<JsonElement>(new Uri(api, $"consumers/{vhost}"), cancellationToken);
            return consumers.EnumerateArray()
                .Where(c => ours.Contains(c.GetProperty("channel_details").GetProperty("connection_name").GetString()))
                .Select(c => c.GetProperty("queue").GetProperty("name").GetString()!)
                .ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            LogUnreadable(exception.Message);
            return null;
        }
    }

    private static HttpClient CreateManagementClient(RabbitMqOptions options)
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}"));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        return http;
    }

    [LoggerMessage(LogLevel.Critical, "No consumer of this process on {Queues} for {StallSeconds} s although the broker is up: exiting with code 75 for the supervisor to start a new process")]
    private partial void LogStalled(string queues, int stallSeconds);

    [LoggerMessage(LogLevel.Debug, "Consumer watchdog could not read the management API: {Reason}")]
    private partial void LogUnreadable(string reason);
}

/// <summary>The name this process gives its broker connections, so that the watchdog finds its own consumers.</summary>
public sealed record ConsumerWatchdogIdentity(string ConnectionName);

/// <summary>How the watchdog ends a stalled process (a seam, so that a test can watch it happen).</summary>
public interface IStalledProcessExit
{
    void Exit(string stalledQueues);
}

/// <summary>
/// A graceful stop with exit code 75 (EX_TEMPFAIL: "try again"), and a hard exit if the stuck endpoints keep the
/// graceful one from finishing within <c>ConsumerWatchdog:ExitTimeoutSeconds</c>.
/// </summary>
public sealed class StalledProcessExit(IHostApplicationLifetime lifetime, IOptions<ConsumerWatchdogOptions> options) : IStalledProcessExit
{
    public const int ExitCode = 75;

    public void Exit(string stalledQueues)
    {
        Environment.ExitCode = ExitCode;
        lifetime.StopApplication();
        _ = Task.Delay(TimeSpan.FromSeconds(options.Value.ExitTimeoutSeconds)).ContinueWith(_ => Environment.Exit(ExitCode), TaskScheduler.Default);
    }
}
