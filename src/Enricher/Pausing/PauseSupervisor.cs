using ClayBus.Contracts.Delivery;
using ClayBus.Enricher.Credits;
using ClayBus.Enricher.Delivery;
using ClayBus.ServiceDefaults.Messaging;
using ClayBus.ServiceDefaults.Redis;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Enricher.Pausing;

/// <summary>
/// Keeps the delivery endpoints' state (<c>deliver-batch</c>, <c>-high</c>, <c>-low</c>) in line with <see cref="DeliveryPause"/>: stops it when a reason
/// appears, probes each reason (budget room, Redis back, Clay cool-down over) and starts it when none is left.
/// Publishes <c>DeliveryResumed</c> (the consumer that paused publishes <c>DeliveryPaused</c>).
/// </summary>
public sealed class PauseSupervisor(
    DeliveryPause pause,
    CreditStore ledger,
    IBus bus,
    TimeProvider time,
    IOptionsMonitor<DeliveryOptions> options,
    RedisKeyspace redis,
    ILogger<PauseSupervisor> logger) : BackgroundService
{
    /// <summary>Written by a paused instance to see whether Redis takes writes; expires after 10 s.</summary>
    public const string WriteProbeKey = "enricher:pause:write-probe";

    private bool _stopped;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ProbeAsync();
                await ReconcileAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Pause supervision failed; trying again at the next probe");
            }

            await pause.WaitForChangeAsync(TimeSpan.FromSeconds(options.CurrentValue.PauseProbeSeconds), stoppingToken);
        }
    }

    private async Task ProbeAsync()
    {
        foreach (var state in pause.Reasons)
        {
            if (await CanResumeAsync(state) && pause.Resume(state.Reason))
            {
                logger.MayResume(state.Reason);
                var resumed = new DeliveryResumed(DeliveryPause.Instance, state.Reason, time.GetUtcNow());
                await BrokerDeadline.WithinAsync(token => bus.Publish(resumed, token), CancellationToken.None);
            }
        }
    }

    private async Task<bool> CanResumeAsync(PauseState state)
    {
        try
        {
            return state.Reason switch
            {
                PauseReason.ClayUnavailable => time.GetUtcNow() >= state.ProbeAt,
                PauseReason.BudgetExhausted => await ledger.HasRoomForAsync(state.NeededCredits, state.NeededActions),
                PauseReason.LedgerUnavailable => await ledger.StatusAsync() is not null && await TakesWritesAsync(),
                _ => true,
            };
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads work on a replica and on a full Redis, so the ledger's read alone would resume into READONLY or OOM: a
    /// short-lived write (refused by both, as a reservation would be) shows that Redis takes writes again. Where
    /// deliveries wait for replicas (<c>Redis:ReplicasToAcknowledge</c>), the write must reach them too: a primary just
    /// promoted takes writes before its replicas follow it, and resuming then only pauses again at the next batch.
    /// </summary>
    private async Task<bool> TakesWritesAsync()
    {
        var writes = redis.MarkWrites();
        return await redis.Database.StringSetAsync(WriteProbeKey, DeliveryPause.Instance, TimeSpan.FromSeconds(10))
            && await redis.ReplicatedAsync(writes);
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var endpoints = pause.Endpoints;
        if (endpoints.Count == 0)
        {
            return;
        }

        var paused = pause.IsPaused;
        if (paused && !_stopped)
        {
            var reasons = string.Join(", ", pause.Reasons.Select(r => r.Reason));
            logger.LogWarning("Delivery paused ({Reasons}): the delivery queues stop taking messages", reasons);
            await Task.WhenAll(endpoints.Select(endpoint => endpoint.Stop(cancellationToken)));
            _stopped = true;
        }
        else if (!paused && _stopped)
        {
            await Task.WhenAll(endpoints.Select(endpoint => endpoint.Start(cancellationToken).Ready));
            _stopped = false;
            logger.LogInformation("Delivery resumed: the delivery queues take messages again");
        }
    }
}

internal static partial class PausingLog
{
    [LoggerMessage(LogLevel.Information, "Delivery may resume: {Reason} is over")]
    public static partial void MayResume(this ILogger logger, PauseReason reason);
}
