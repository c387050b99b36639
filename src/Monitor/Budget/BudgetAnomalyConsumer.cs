using System.Diagnostics.Metrics;
using ClayBus.Contracts.Credits;
using ClayBus.Monitor.Metrics;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Budget;

/// <summary>
/// Clay charged a row above its table's price list and the Enricher holds the table: the Monitor keeps it for the
/// status and <c>GET /budget/holds</c>, counts it, and warns once per table (not once per row of a bad price list).
/// </summary>
public sealed partial class BudgetAnomalyConsumer(BudgetAnomalyStore store, BudgetAnomalyMetrics metrics, ILogger<BudgetAnomalyConsumer> logger)
    : IConsumer<BudgetAnomaly>
{
    public async Task Consume(ConsumeContext<BudgetAnomaly> context)
    {
        var anomaly = context.Message;
        var first = await store.RecordAsync(anomaly);
        metrics.Anomaly(anomaly.TableKey, anomaly.Meter);
        if (first)
        {
            TableHeld(logger, anomaly.TableKey, anomaly.Provider, anomaly.Meter, anomaly.Charged, anomaly.Reserved);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Clay charged a row of table {TableKey} above its price list ({Provider}, {Meter}: {Charged} > {Reserved}): its deliveries are held until Tables:{TableKey}:Prices covers it or an operator releases it (DELETE /budget/holds/{TableKey}); further anomalies of this table are only counted")]
    private static partial void TableHeld(ILogger logger, string tableKey, string? provider, string meter, decimal charged, decimal reserved);
}

public sealed class BudgetAnomalyConsumerDefinition : ConsumerDefinition<BudgetAnomalyConsumer>
{
    public BudgetAnomalyConsumerDefinition()
    {
        EndpointName = BudgetViewSetup.EndpointName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<BudgetAnomalyConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000);
        });
}

/// <summary><c>claybus.budget.anomalies</c> on the Monitor's meter: charges above a price list, by table and meter.</summary>
public sealed class BudgetAnomalyMetrics
{
    private readonly Counter<long> _anomalies;

    public BudgetAnomalyMetrics(IMeterFactory meterFactory) =>
        _anomalies = meterFactory.Create(MonitorMetrics.MeterName).CreateCounter<long>("claybus.budget.anomalies", "{row}", "Rows Clay charged above their table's price list, by table and meter");

    public void Anomaly(string tableKey, string meter) =>
        _anomalies.Add(1, new KeyValuePair<string, object?>("table", tableKey), new KeyValuePair<string, object?>("meter", meter));
}
