using ClayBus.Contracts.Submission;
using ClayBus.ServiceDefaults.Messaging;
using ClayBus.Submitter.Batching;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Submitter.Admission;

/// <summary>
/// Batches are held when the budget does not cover them, and also when the Enricher's ledger did not answer in time
/// (fail closed). The second is usually a passing stall, and the budget reset at midnight is far too late for it:
/// every <c>Admission:HeldRetrySeconds</c> this asks the ledger again and admits those batches as a submission would
/// have been admitted had it answered. The Enricher still reserves every credit before sending, so a release can
/// never spend past the budget.
/// </summary>
public sealed partial class HeldBatchRetry(
    IServiceScopeFactory scopes,
    HeldBatches held,
    IBus bus,
    IOptions<AdmissionOptions> options,
    TimeProvider clock,
    SubmitterMetrics metrics,
    ILogger<HeldBatchRetry> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.HeldRetrySeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RetryAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogRetryFailed(exception);
            }
        }
    }

    public async Task<int> RetryAsync(CancellationToken cancellationToken)
    {
        if (await held.UnansweredCountAsync() == 0)
        {
            return 0;
        }

        await using var scope = scopes.CreateAsyncScope();
        var (remaining, source) = await scope.ServiceProvider.GetRequiredService<BudgetGate>().RemainingAsync(cancellationToken);
        if (source == BudgetGate.NoAnswer)
        {
            return 0;
        }

        var released = await held.ReleaseUnansweredAsync(remaining, async batch =>
        {
            await BatchPublisher.PublishAsync(bus, batch, cancellationToken);
            metrics.BatchesPublished.Add(1);
        });
        foreach (var group in released.GroupBy(batch => (batch.JobId, batch.TableKey)))
        {
            var notice = new HeldBatchesReleased(group.Key.JobId, group.Key.TableKey, group.Count(), group.Sum(batch => batch.Rows.Count), clock.GetUtcNow());
            await BrokerDeadline.WithinAsync(token => bus.Publish(notice, token), cancellationToken);
        }

        LogRetried(released.Count, remaining, source);
        return released.Count;
    }

    [LoggerMessage(LogLevel.Information, "The ledger answers again ({Source}, {Remaining} credits left today): released {Batches} batches held for its silence; any others now wait for the budget reset")]
    private partial void LogRetried(int batches, decimal remaining, string source);

    [LoggerMessage(LogLevel.Warning, "Retrying held batches failed; trying again next round")]
    private partial void LogRetryFailed(Exception exception);
}
