using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Budget;

/// <summary>Reads the ledger on a period, so the forecast has a burn rate even when nobody watches the status page.</summary>
public sealed class BurnSampler(IServiceScopeFactory scopes, IOptions<BudgetViewOptions> options, TimeProvider clock, ILogger<BurnSampler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.SampleIntervalSeconds == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SampleIntervalSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<BudgetStatusClient>().ReadAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Could not sample the credit ledger; the forecast uses the samples it has");
            }
        }
    }
}
