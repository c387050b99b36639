namespace ClayBus.Monitor.Budget;

/// <summary>
/// Warns once at start when a deployment still sets <c>Budget:LedgerTimeoutMilliseconds</c>: it is honoured
/// (see <see cref="BudgetViewOptions.ApplyRetiredKeys"/>), but the operator should move it to the new key.
/// </summary>
public sealed partial class RetiredBudgetKeyWarning(IConfiguration configuration, ILogger<RetiredBudgetKeyWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var section = configuration.GetSection(BudgetViewOptions.Section);
        if (section[BudgetViewOptions.RetiredStoreTimeoutKey] is not null)
        {
            LogRetiredKey(
                $"{BudgetViewOptions.Section}:{BudgetViewOptions.RetiredStoreTimeoutKey}",
                $"{BudgetViewOptions.Section}:{nameof(BudgetViewOptions.StoreTimeoutMilliseconds)}",
                BudgetViewOptions.UsesRetiredKey(section) ? "it is used until then" : "it is ignored: the new key is set too");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Warning, "{RetiredKey} was renamed: set {NewKey} instead ({Effect})")]
    private partial void LogRetiredKey(string retiredKey, string newKey, string effect);
}
