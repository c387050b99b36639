namespace ClayBus.ClaySim.Faults;

/// <summary>
/// The body of <c>PUT /_sim/faults</c>: every fault optional; <see cref="ForSeconds"/> time-boxes the faults set in
/// this call. Rates are probabilities (0-1); the per-row ones are drawn from the row's seeded random stream.
/// </summary>
internal sealed record FaultSettings
{
    public double? ServerErrorRate { get; init; }

    public int[]? ServerErrorStatuses { get; init; }

    public int? AddedLatencyMs { get; init; }

    public double? HangRate { get; init; }

    public bool? Force429 { get; init; }

    public int? Force429RetryAfterSeconds { get; init; }

    public string[]? ProviderOutage { get; init; }

    /// <summary>Per provider, the share of its calls that fail (0-1), reached over <see cref="DegradationRampSeconds"/>.</summary>
    public Dictionary<string, double>? ProviderDegradation { get; init; }

    public double? DegradationRampSeconds { get; init; }

    public double? StuckRowRate { get; init; }

    public double? CallbackDuplicateRate { get; init; }

    public bool? CallbackOutOfOrder { get; init; }

    public int? CallbackDelayMs { get; init; }

    public double? CallbackDropRate { get; init; }

    /// <summary>Per provider, the Data Credits a hit costs while in force (a provider billing above the estimate).</summary>
    public Dictionary<string, double>? ProviderPrices { get; init; }

    /// <summary>The share of requests answered with a failure after their records were stored (an unknown outcome).</summary>
    public double? StoreThenFailRate { get; init; }

    /// <summary>How a store-then-fail request fails, drawn per request: <c>5xx</c>, <c>reset</c>, <c>hang</c>.</summary>
    public string[]? StoreThenFailModes { get; init; }

    public double? ForSeconds { get; init; }

    public string? Problem()
    {
        foreach (var (name, rate) in new (string, double?)[]
        {
            ("serverErrorRate", ServerErrorRate), ("hangRate", HangRate), ("stuckRowRate", StuckRowRate),
            ("callbackDuplicateRate", CallbackDuplicateRate), ("callbackDropRate", CallbackDropRate),
            ("storeThenFailRate", StoreThenFailRate),
        })
        {
            if (rate is < 0 or > 1)
            {
                return $"{name} must be between 0 and 1 (a probability)";
            }
        }

        return ServerErrorStatuses is { } statuses && (statuses.Length == 0 || statuses.Any(s => s is < 500 or > 599))
                ? "serverErrorStatuses must be a non-empty list of 5xx codes, e.g. [500, 502, 503]"
            : StoreThenFailModes is { } modes && (modes.Length == 0 || modes.Any(m => !StoreThenFailMode.All.Contains(m)))
                ? $"storeThenFailModes must be a non-empty subset of \"{StoreThenFailMode.ServerError}\", \"{StoreThenFailMode.Reset}\", \"{StoreThenFailMode.Hang}\""
            : AddedLatencyMs is < 0 ? "addedLatencyMs must be >= 0"
            : Force429RetryAfterSeconds is < 1 ? "force429RetryAfterSeconds must be at least 1"
            : ProviderDegradation?.FirstOrDefault(p => p.Value is < 0 or > 1) is { Key: { } provider } ? $"providerDegradation.{provider} must be between 0 and 1"
            : ProviderPrices?.FirstOrDefault(p => p.Value is < 0 or > 1_000 || double.IsNaN(p.Value)) is { Key: { } priced } ? $"providerPrices.{priced} must be between 0 and 1000 (Data Credits per hit)"
            : DegradationRampSeconds is < 0 ? "degradationRampSeconds must be >= 0"
            : CallbackDelayMs is < 0 ? "callbackDelayMs must be >= 0"
            : TimeBox.Problem(ForSeconds);
    }
}

/// <summary>The faults in force at one instant: what the ingest path, the workers and the callbacks read.</summary>
internal sealed record ActiveFaults
{
    public static readonly ActiveFaults None = new();

    public double ServerErrorRate { get; init; }

    public IReadOnlyList<int> ServerErrorStatuses { get; init; } = [500, 502, 503];

    public int AddedLatencyMs { get; init; }

    public double HangRate { get; init; }

    public bool Force429 { get; init; }

    public int Force429RetryAfterSeconds { get; init; } = 1;

    public IReadOnlySet<string> ProviderOutage { get; init; } = new HashSet<string>();

    public IReadOnlyDictionary<string, double> ProviderDegradation { get; init; } = new Dictionary<string, double>();

    public double StuckRowRate { get; init; }

    public double CallbackDuplicateRate { get; init; }

    public bool CallbackOutOfOrder { get; init; }

    public int CallbackDelayMs { get; init; }

    public double CallbackDropRate { get; init; }

    public double StoreThenFailRate { get; init; }

    public IReadOnlyList<string> StoreThenFailModes { get; init; } = StoreThenFailMode.All;

    /// <summary>Data Credits per hit by provider, overriding the provider profile's <c>dataCredits</c>.</summary>
    public IReadOnlyDictionary<string, double> ProviderPrices { get; init; } = new Dictionary<string, double>();
}

/// <summary>The ways a store-then-fail request fails after its records were stored.</summary>
internal static class StoreThenFailMode
{
    public const string ServerError = "5xx";
    public const string Reset = "reset";
    public const string Hang = "hang";

    public static readonly IReadOnlyList<string> All = [ServerError, Reset, Hang];
}
