using ClayBus.Contracts.Credits;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Budget;

/// <summary>
/// Asks the Enricher's credit store for today's figures, with a short timeout: a status page must answer
/// "unknown" quickly rather than hang when no Enricher runs. Every answer is also a burn-rate sample.
/// </summary>
public sealed class BudgetStatusClient(
    IRequestClient<GetBudgetStatus> client,
    BudgetViewStore store,
    IOptions<BudgetViewOptions> options,
    TimeProvider clock,
    ILogger<BudgetStatusClient> logger)
{
    public async Task<BudgetStatus?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var timeout = RequestTimeout.After(ms: options.Value.StoreTimeoutMilliseconds);
            var response = await client.GetResponse<BudgetStatus>(new GetBudgetStatus(clock.GetUtcNow()), cancellationToken, timeout);
            var status = response.Message;
            await store.AddSampleAsync(status.Day, new BurnSample(clock.GetUtcNow(), status.Reserved + status.Spent));
            if (status.ActionsLimit is not null)
            {
                await store.AddSampleAsync(status.Day, new BurnSample(clock.GetUtcNow(), (status.ActionsReserved ?? 0) + (status.ActionsSpent ?? 0)), BurnMeter.Actions);
            }

            return status;
        }
        catch (RequestTimeoutException)
        {
            logger.LogWarning("The credit store did not answer GetBudgetStatus within {TimeoutMs} ms", options.Value.StoreTimeoutMilliseconds);
            return null;
        }
    }
}
