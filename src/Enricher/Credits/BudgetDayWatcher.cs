using ClayBus.Contracts.Credits;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Enricher.Credits;

/// <summary>
/// Starts each budget day at local midnight of the configured zone: publishes <c>BudgetReset</c> once across every
/// instance (a Redis flag per day). Paused instances see the new day's room at their next probe and resume.
/// </summary>
public sealed class BudgetDayWatcher(CreditStore ledger, IBus bus, TimeProvider time, IOptionsMonitor<BudgetOptions> options, ILogger<BudgetDayWatcher> logger)
    : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var day = ledger.Today;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Tick, time, stoppingToken);
            var today = ledger.Today;
            if (today == day)
            {
                continue;
            }

            try
            {
                if (await ledger.TryMarkDayStartedAsync(today))
                {
                    var status = await ledger.StatusAsync();
                    await bus.Publish(new BudgetReset(today, status.Limit, time.GetUtcNow()), stoppingToken);
                    logger.DayBegan(today, options.CurrentValue.TimeZone, status.Limit);
                }

                day = today;
            }
            catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
            {
                logger.LogWarning("Budget day {Day} began but Redis cannot be reached; trying again", today);
            }
        }
    }
}
