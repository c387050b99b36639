using ClayBus.Contracts.Credits;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Submitter.Admission;

/// <summary>Today's remaining credits as the Enricher's ledger sees them; no answer in time means none (fail closed).</summary>
public sealed class BudgetGate(IRequestClient<GetBudgetStatus> client, IOptions<AdmissionOptions> options, ILogger<BudgetGate> logger)
{
    public const string NoAnswer = "no answer from the ledger (fail closed)";

    public async Task<(decimal Remaining, string Source)> RemainingAsync(CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(options.Value.BudgetTimeoutSeconds);
        try
        {
            var response = await client.GetResponse<BudgetStatus>(new GetBudgetStatus(), cancellationToken, RequestTimeout.After(ms: (int)timeout.TotalMilliseconds));
            var status = response.Message;
            return status.Exhausted ? (0, "ledger (exhausted)") : (Math.Max(0, status.Remaining), "ledger");
        }
        catch (RequestTimeoutException)
        {
            logger.LogWarning("The credit ledger did not answer within {Timeout}: admitting against a budget of 0", timeout);
            return (0, NoAnswer);
        }
    }
}
