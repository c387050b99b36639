using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ClayBus.Monitor.Metrics;

/// <summary>The Monitor's own instruments on Meter <c>ClayBus.Monitor</c> (exported with the MassTransit meters).</summary>
public sealed class MonitorMetrics
{
    public const string MeterName = "ClayBus.Monitor";

    private readonly Counter<long> _callbacksReceived;
    private readonly Counter<long> _callbacksDuplicate;
    private readonly Counter<long> _rowsEnriched;
    private readonly Counter<long> _rowsFailed;
    private readonly Counter<long> _rowsDeadLettered;
    private readonly Counter<long> _jobsStuck;
    private readonly Counter<double> _creditsSpent;
    private readonly ConcurrentDictionary<string, double> _providerSuccessRates = new(StringComparer.Ordinal);

    public MonitorMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _callbacksReceived = meter.CreateCounter<long>("claybus.callbacks.received", "{callback}", "Clay callbacks received, by outcome");
        _callbacksDuplicate = meter.CreateCounter<long>("claybus.callbacks.duplicate", "{callback}", "Callbacks for a row already called back (counted once)");
        _rowsEnriched = meter.CreateCounter<long>("claybus.rows.enriched", "{row}", "Rows Clay enriched");
        _rowsFailed = meter.CreateCounter<long>("claybus.rows.failed", "{row}", "Rows Clay could not enrich, by kind");
        _rowsDeadLettered = meter.CreateCounter<long>("claybus.rows.dead_lettered", "{row}", "Rows of batches that went to the dead-letter queue");
        _jobsStuck = meter.CreateCounter<long>("claybus.jobs.stuck", "{job}", "Jobs that became stuck");
        _creditsSpent = meter.CreateCounter<double>("claybus.credits.spent", "{credit}", "Data Credits Clay reported on callbacks");
        meter.CreateObservableGauge(
            "claybus.provider.success_rate",
            () => _providerSuccessRates.Select(pair => new Measurement<double>(pair.Value, new KeyValuePair<string, object?>("provider", pair.Key))),
            "1",
            "Each provider's success rate over its sliding window of attempts (hit and no data succeed; error and timeout fail), shared by every Monitor through Redis");
    }

    public void CallbackReceived(string outcome) => _callbacksReceived.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void CallbackDuplicate() => _callbacksDuplicate.Add(1);

    public void RowEnriched(decimal credits)
    {
        _rowsEnriched.Add(1);
        _creditsSpent.Add((double)credits);
    }

    public void RowFailed(string kind, decimal credits)
    {
        _rowsFailed.Add(1, new KeyValuePair<string, object?>("kind", kind));
        _creditsSpent.Add((double)credits);
    }

    public void RowsDeadLettered(int rows) => _rowsDeadLettered.Add(rows);

    public void JobStuck() => _jobsStuck.Add(1);

    /// <summary>The window as last read from Redis (after a recorded outcome, or by <c>ProviderRateRefresher</c>): the gauge's source.</summary>
    public void ProviderSuccessRate(string provider, double rate) => _providerSuccessRates[provider] = rate;
}
