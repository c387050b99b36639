using System.Diagnostics.Metrics;

namespace ClayBus.Enricher.Delivery;

/// <summary>The Enricher's instruments on the meter <c>ClayBus.Enricher</c>.</summary>
public sealed class DeliveryMetrics
{
    public const string MeterName = "ClayBus.Enricher";

    private readonly Counter<long> _rowsDelivered;
    private readonly Counter<long> _rowsSkipped;
    private readonly Counter<long> _responses;
    private readonly Counter<long> _rateLimited;
    private readonly Histogram<double> _limiterWait;
    private readonly Histogram<double> _limiterSlotMissed;
    private readonly Counter<double> _creditsReserved;

    public DeliveryMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        _rowsDelivered = Meter.CreateCounter<long>("claybus.rows.delivered", "{row}", "Rows sent to Clay");
        _rowsSkipped = Meter.CreateCounter<long>("claybus.rows.skipped", "{row}", "Rows skipped because an earlier delivery sent them");
        _responses = Meter.CreateCounter<long>("claybus.clay.responses", "{response}", "Clay webhook responses by status");
        _rateLimited = Meter.CreateCounter<long>("claybus.clay.429", "{response}", "429 answers from Clay");
        _limiterWait = Meter.CreateHistogram<double>("claybus.limiter.wait", "ms", "Time spent waiting for the shared rate limiter");
        _limiterSlotMissed = Meter.CreateHistogram<double>("claybus.limiter.slot_missed", "ms", "How late a caller woke for a slot it then gave up (the machine or process was stalled)");
        _creditsReserved = Meter.CreateCounter<double>("claybus.credits.reserved", "{credit}", "Credits reserved before sending");
    }

    /// <summary>The meter, for observable instruments owned by features (e.g. webhook capacity).</summary>
    public Meter Meter { get; }

    public void RowsDelivered(int rows, string table) => _rowsDelivered.Add(rows, new KeyValuePair<string, object?>("table", table));

    public void RowsSkipped(int rows, string table) => _rowsSkipped.Add(rows, new KeyValuePair<string, object?>("table", table));

    public void ClayResponded(int status)
    {
        _responses.Add(1, new KeyValuePair<string, object?>("status", status));
        if (status == 429)
        {
            _rateLimited.Add(1);
        }
    }

    public void LimiterWaited(TimeSpan wait) => _limiterWait.Record(wait.TotalMilliseconds);

    public void LimiterSlotMissed(TimeSpan late) => _limiterSlotMissed.Record(late.TotalMilliseconds);

    public void CreditsReserved(decimal credits) => _creditsReserved.Add((double)credits);
}
