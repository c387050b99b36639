using ClayBus.Contracts.Credits;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Enricher.Credits;

/// <summary>
/// Starts each budget day in the configured zone (<see cref="BudgetDayStart"/>): at the boundary while running, or at
/// the first look after an Enricher starts on a new day; publishes <c>BudgetReset</c> once across every instance (a
/// Redis flag per day). Paused instances see the new day's room at their next probe and resume.
/// </summary>
public sealed class BudgetDayWatcher(CreditStore ledger, IBus bus, TimeProvider time, IOptionsMonitor<BudgetOptions> options, ILogger<BudgetDayWatcher> logger)
    : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var start = new BudgetDayStart(ledger.Calendar, time.GetUtcNow());
        while (!stoppingToken.IsCancellationRequested)
        {
            if (start.Due(time.GetUtcNow()) is { } today)
            {
                try
                {
                    // Read before the claim: a winner that fails before recording leaves an older day, which still resets the next.
                    var lastDay = await ledger.LastStartedDayAsync();
                    if (!await ledger.TryMarkDayStartedAsync(today))
                    {
                        start.Claimed(today);
                    }
                    else if (!start.PublishesReset(today, lastDay) || await PublishResetAsync(today, stoppingToken))
                    {
                        await ledger.RecordDayStartedAsync(today);
                        start.Claimed(today);
                    }

                    // Otherwise the claim was given back: the next tick claims and publishes again.
                }
                catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
                {
                    logger.LogWarning("Budget day {Day} began but Redis cannot be reached; trying again", today);
                }
            }

            await Task.Delay(Tick, time, stoppingToken);
        }
    }

    /// <summary>
    /// Publishes the day's reset; when the broker refuses, un-claims the day so the reset is retried rather than lost
    /// (the flag would otherwise tell every instance it was done). False when nothing was published.
    /// </summary>
    private async Task<bool> PublishResetAsync(DateOnly today, CancellationToken stoppingToken)
    {
        var status = await ledger.StatusAsync();
        try
        {
            var reset = new BudgetReset(today, status.Limit, time.GetUtcNow());
            await BrokerDeadline.WithinAsync(token => bus.Publish(reset, token), stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            await ledger.UnmarkDayStartedAsync(today);
            logger.ResetNotPublished(today, exception.GetType().Name);
            return false;
        }

        logger.DayBegan(today, options.CurrentValue.TimeZone, status.Limit);
        return true;
    }
}
