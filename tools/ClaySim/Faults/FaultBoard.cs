namespace ClayBus.ClaySim.Faults;

/// <summary>
/// The faults set through the admin API, each set with its own time box; later sets win field by field. Gradual
/// degradation rises linearly from 0 to its level over the ramp, measured from when it was set.
/// </summary>
internal sealed class FaultBoard(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly List<(FaultSettings Settings, DateTimeOffset Since, DateTimeOffset? Until)> _sets = [];
    private ActiveFaults _current = ActiveFaults.None;
    private DateTimeOffset _validUntil = DateTimeOffset.MaxValue;
    private bool _hasRamp;

    public ActiveFaults Current
    {
        get
        {
            var now = time.GetUtcNow();
            lock (_gate)
            {
                if (now >= _validUntil || _hasRamp)
                {
                    Recompute(now);
                }

                return _current;
            }
        }
    }

    public void Add(FaultSettings settings)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            _sets.Add((settings, now, TimeBox.End(now, settings.ForSeconds)));
            Recompute(now);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _sets.Clear();
            Recompute(time.GetUtcNow());
        }
    }

    private void Recompute(DateTimeOffset now)
    {
        _sets.RemoveAll(s => s.Until <= now);
        var faults = ActiveFaults.None;
        _hasRamp = false;
        foreach (var (set, since, _) in _sets)
        {
            var ramp = set.DegradationRampSeconds ?? 0;
            var progress = ramp <= 0 ? 1 : Math.Min(1, (now - since).TotalSeconds / ramp);
            _hasRamp |= progress < 1 && set.ProviderDegradation is { Count: > 0 };
            var degradation = new Dictionary<string, double>(faults.ProviderDegradation, StringComparer.Ordinal);
            foreach (var (provider, level) in set.ProviderDegradation ?? [])
            {
                degradation[provider] = level * progress;
            }

            var prices = new Dictionary<string, double>(faults.ProviderPrices, StringComparer.Ordinal);
            foreach (var (provider, price) in set.ProviderPrices ?? [])
            {
                prices[provider] = price;
            }

            faults = faults with
            {
                ServerErrorRate = set.ServerErrorRate ?? faults.ServerErrorRate,
                ServerErrorStatuses = set.ServerErrorStatuses ?? faults.ServerErrorStatuses,
                AddedLatencyMs = set.AddedLatencyMs ?? faults.AddedLatencyMs,
                HangRate = set.HangRate ?? faults.HangRate,
                Force429 = set.Force429 ?? faults.Force429,
                Force429RetryAfterSeconds = set.Force429RetryAfterSeconds ?? faults.Force429RetryAfterSeconds,
                ProviderOutage = set.ProviderOutage is { } outage ? outage.ToHashSet(StringComparer.Ordinal) : faults.ProviderOutage,
                ProviderDegradation = degradation,
                StuckRowRate = set.StuckRowRate ?? faults.StuckRowRate,
                CallbackDuplicateRate = set.CallbackDuplicateRate ?? faults.CallbackDuplicateRate,
                CallbackOutOfOrder = set.CallbackOutOfOrder ?? faults.CallbackOutOfOrder,
                CallbackDelayMs = set.CallbackDelayMs ?? faults.CallbackDelayMs,
                CallbackDropRate = set.CallbackDropRate ?? faults.CallbackDropRate,
                ProviderPrices = prices,
                StoreThenFailRate = set.StoreThenFailRate ?? faults.StoreThenFailRate,
                StoreThenFailModes = set.StoreThenFailModes ?? faults.StoreThenFailModes,
            };
        }

        _current = _sets.Count == 0 ? ActiveFaults.None : faults;
        _validUntil = _sets.Select(s => s.Until).Where(u => u is not null).Min() ?? DateTimeOffset.MaxValue;
    }
}
