namespace ClayBus.ClaySim.Workspace;

/// <summary>The workspace settings that <c>PUT /_sim/config</c> changes at run time; one immutable snapshot at a time.</summary>
internal sealed record SimSettings(
    int BucketCapacity,
    double RefillPerSecond,
    bool LimitsEnabled,
    double SpeedFactor,
    long Seed,
    bool LoudCapErrors,
    bool EnrichmentEnabled,
    int EnrichmentOverheadMinMs,
    int EnrichmentOverheadMaxMs,
    int CallbackRetries,
    int CallbackRetryBackoffMs,
    int CallbackOutOfOrderWindow)
{
    public static SimSettings From(ClaySimOptions options) => new(
        options.BucketCapacity,
        options.RefillPerSecond,
        options.LimitsEnabled,
        options.SpeedFactor,
        options.Seed,
        options.LoudCapErrors,
        options.EnrichmentEnabled,
        options.EnrichmentOverheadMinMs,
        options.EnrichmentOverheadMaxMs,
        options.CallbackRetries,
        options.CallbackRetryBackoffMs,
        options.CallbackOutOfOrderWindow);

    /// <summary>Applies the fields present in <paramref name="change"/>, or names the first field that is out of range.</summary>
    public (SimSettings? Settings, string? Problem) With(SettingsChange change)
    {
        var next = this with
        {
            BucketCapacity = change.BucketCapacity ?? BucketCapacity,
            RefillPerSecond = change.RefillPerSecond ?? RefillPerSecond,
            LimitsEnabled = change.LimitsEnabled ?? LimitsEnabled,
            SpeedFactor = change.SpeedFactor ?? SpeedFactor,
            Seed = change.Seed ?? Seed,
            LoudCapErrors = change.LoudCapErrors ?? LoudCapErrors,
            EnrichmentEnabled = change.EnrichmentEnabled ?? EnrichmentEnabled,
            EnrichmentOverheadMinMs = change.EnrichmentOverheadMinMs ?? EnrichmentOverheadMinMs,
            EnrichmentOverheadMaxMs = change.EnrichmentOverheadMaxMs ?? EnrichmentOverheadMaxMs,
            CallbackRetries = change.CallbackRetries ?? CallbackRetries,
            CallbackRetryBackoffMs = change.CallbackRetryBackoffMs ?? CallbackRetryBackoffMs,
            CallbackOutOfOrderWindow = change.CallbackOutOfOrderWindow ?? CallbackOutOfOrderWindow,
        };
        var problem =
            next.BucketCapacity < 1 ? "bucketCapacity must be at least 1"
            : next.RefillPerSecond <= 0 ? "refillPerSecond must be above 0"
            : next.SpeedFactor <= 0 ? "speedFactor must be above 0 (1 = real time, 100 = a hundred times faster)"
            : next.EnrichmentOverheadMinMs < 0 || next.EnrichmentOverheadMaxMs < next.EnrichmentOverheadMinMs
                ? "enrichmentOverheadMinMs must be >= 0 and enrichmentOverheadMaxMs >= enrichmentOverheadMinMs"
            : next.CallbackRetries is < 0 or > 100 ? "callbackRetries must be 0-100"
            : next.CallbackRetryBackoffMs < 0 ? "callbackRetryBackoffMs must be >= 0"
            : next.CallbackOutOfOrderWindow is < 1 or > 10_000 ? "callbackOutOfOrderWindow must be 1-10000"
            : null;
        return problem is null ? (next, null) : (null, problem);
    }
}

/// <summary>The body of <c>PUT /_sim/config</c>: every field optional.</summary>
internal sealed record SettingsChange(
    int? BucketCapacity,
    double? RefillPerSecond,
    bool? LimitsEnabled,
    double? SpeedFactor,
    long? Seed,
    bool? LoudCapErrors,
    bool? EnrichmentEnabled,
    int? EnrichmentOverheadMinMs,
    int? EnrichmentOverheadMaxMs,
    int? CallbackRetries,
    int? CallbackRetryBackoffMs,
    int? CallbackOutOfOrderWindow);

/// <summary>Holds the current <see cref="SimSettings"/>; readers never lock.</summary>
internal sealed class SettingsBoard(SimSettings initial)
{
    private SimSettings _current = initial;

    public SimSettings Initial { get; } = initial;

    public SimSettings Current => Volatile.Read(ref _current);

    public void Set(SimSettings settings) => Volatile.Write(ref _current, settings);
}
