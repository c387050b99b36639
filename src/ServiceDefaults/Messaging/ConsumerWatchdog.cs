using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClayBus.ServiceDefaults.Messaging;

/// <summary>
/// MassTransit 8.5 can leave a receive endpoint without its broker consumer after a broker restart under load:
/// messages in flight when the connection dropped finish on a dead channel, and some endpoints never consume again
/// while the bus still reports Ready (seen in the RabbitMQ-restart fault test; MassTransit issues #2072 and #5692
/// describe the same). This asks the broker, through the management API, which queues have a consumer on this
/// process's connection; a queue this process consumed from that has none for <c>StallSeconds</c> restarts the bus,
/// and a bus that cannot restart ends the process so that its supervisor (Kubernetes, compose, systemd) starts a new
/// one. Every service keeps its state in Redis and unacknowledged messages return to their queue, so either remedy
/// loses nothing. Only for services that never stop an endpoint on purpose (the Enricher pauses delivery by
/// stopping one, so it does not run this).
/// </summary>
public sealed partial class ConsumerWatchdog(
    IBusControl bus,
    ConsumerWatchdogIdentity identity,
    IOptions<RabbitMqOptions> rabbit,
    IOptions<ConsumerWatchdogOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<ConsumerWatchdog> logger) : BackgroundService
{
    private readonly HttpClient _management = CreateManagementClient(rabbit.Value);
    private readonly HashSet<string> _consumedQueues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _missingSince = new(StringComparer.Ordinal);
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
                await RestartBusAsync(stalled, stoppingToken);
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
            if (consuming.Contains(queue))
            {
                _missingSince.Remove(queue);
            }
            else
            {
                _missingSince.TryAdd(queue, now);
            }
        }

        var stallAfter = TimeSpan.FromSeconds(options.Value.StallSeconds);
        return [.. _missingSince.Where(missing => now - missing.Value >= stallAfter).Select(missing => missing.Key).Order(StringComparer.Ordinal)];
    }

    private async Task RestartBusAsync(List<string> stalled, CancellationToken stoppingToken)
    {
        LogRestarting(string.Join(", ", stalled), options.Value.StallSeconds);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.RestartTimeoutSeconds));
        try
        {
            await bus.StopAsync(timeout.Token);
            await bus.StartAsync(timeout.Token);
            _missingSince.Clear();
            LogRestarted();
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            LogRestartFailed(exception);
            Environment.ExitCode = 75; // EX_TEMPFAIL: a restart is the cure
            lifetime.StopApplication();
        }
    }

    /// <returns>Queues with a consumer on this process's connections, or null when the management API cannot tell.</returns>
    private async Task<HashSet<string>?> ReadOwnQueuesAsync(CancellationToken cancellationToken)
    {
        try
        {
            var vhost = Uri.EscapeDataString(rabbit.Value.VirtualHost);
            var connections = await _management.GetFromJsonAsync<JsonElement>($"vhosts/{vhost}/connections?columns=name,user_provided_name", cancellationToken);
            var ours = connections.EnumerateArray()
                .Where(c => c.TryGetProperty("user_provided_name", out var provided) && provided.GetString() == identity.ConnectionName)
                .Select(c => c.GetProperty("name").GetString())
                .ToHashSet(StringComparer.Ordinal);
            var consumers = await _management.GetFromJsonAsync<JsonElement>($"consumers/{vhost}", cancellationToken);
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
        var http = new HttpClient
        {
            BaseAddress = new Uri($"{(options.UseTls ? "https" : "http")}://{options.Host}:{options.ManagementPort}/api/"),
            Timeout = TimeSpan.FromSeconds(5),
        };
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}"));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        return http;
    }

    [LoggerMessage(LogLevel.Error, "No consumer of this process on {Queues} for {StallSeconds} s although the broker is up: restarting the bus")]
    private partial void LogRestarting(string queues, int stallSeconds);

    [LoggerMessage(LogLevel.Warning, "Bus restarted: its endpoints consume again")]
    private partial void LogRestarted();

    [LoggerMessage(LogLevel.Critical, "The bus could not be restarted: stopping the process so that its supervisor starts a new one")]
    private partial void LogRestartFailed(Exception exception);

    [LoggerMessage(LogLevel.Debug, "Consumer watchdog could not read the management API: {Reason}")]
    private partial void LogUnreadable(string reason);
}

/// <summary>The name this process gives its broker connections, so that the watchdog finds its own consumers.</summary>
public sealed record ConsumerWatchdogIdentity(string ConnectionName);
