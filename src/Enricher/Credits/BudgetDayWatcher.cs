using ClayBus.Contracts.Credits;
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
                    if (await ledger.TryMarkDayStartedAsync(today))
                    {
                        if (start.PublishesReset(today, lastDay))
                        {
                            var status = await ledger.StatusAsync();
                            await bus.Publish(new BudgetReset(today, status.Limit, time.GetUtcNow()), stoppingToken);
                            logger.DayBegan(today, options.CurrentValue.TimeZone, status.Limit);
                        }

                        await ledger.RecordDayStartedAsync(today);
                    }

                    start.Claimed(today);
                }
                catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
                {
                    logger.LogWarning("Budget day {Day} began but Redis cannot be reached; trying again", today);
                }
            }

            await Task.Delay(Tick, time, stoppingToken);
        }
    }
}
