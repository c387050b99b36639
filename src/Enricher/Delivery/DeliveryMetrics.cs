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
    private readonly Counter<long> _actionsReserved;
    private readonly Counter<double> _creditsSettled;
    private readonly Counter<long> _actionsSettled;
    private readonly Counter<long> _settlementsRefused;
    private readonly Counter<long> _anomalies;
    private readonly Counter<long> _ambiguousSends;

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
        _actionsReserved = Meter.CreateCounter<long>("claybus.actions.reserved", "{action}", "Clay Actions reserved before sending");
        _creditsSettled = Meter.CreateCounter<double>("claybus.credits.settled", "{credit}", "Data Credits Clay charged, as settled from callbacks");
        _actionsSettled = Meter.CreateCounter<long>("claybus.actions.settled", "{action}", "Clay Actions charged, as settled from callbacks");
        _settlementsRefused = Meter.CreateCounter<long>("claybus.settlements.refused", "{callback}", "Callbacks that moved no money (not reserved, other table, absurd amount)");
        _anomalies = Meter.CreateCounter<long>("claybus.budget.anomalies", "{row}", "Rows charged above their reservation (the table is held)");
        _ambiguousSends = Meter.CreateCounter<long>("claybus.clay.ambiguous_sends", "{request}", "Requests whose outcome is unknown: rows kept claimed until a callback or the deadline");
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

    public void CreditsReserved(decimal credits, long actions)
    {
        _creditsReserved.Add((double)credits);
        _actionsReserved.Add(actions);
    }

    public void Settled(decimal credits, long actions, string table)
    {
        _creditsSettled.Add((double)credits, new KeyValuePair<string, object?>("table", table));
        _actionsSettled.Add(actions, new KeyValuePair<string, object?>("table", table));
    }

    public void SettlementRefused(string reason, string table) =>
        _settlementsRefused.Add(1, new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("table", table));

    public void BudgetAnomaly(string meter, string table) =>
        _anomalies.Add(1, new KeyValuePair<string, object?>("meter", meter), new KeyValuePair<string, object?>("table", table));

    public void AmbiguousSend(string table) => _ambiguousSends.Add(1, new KeyValuePair<string, object?>("table", table));
}
