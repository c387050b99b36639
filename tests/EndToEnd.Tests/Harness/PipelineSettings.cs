namespace ClayBus.EndToEnd.Tests.Harness;

/// <summary>
/// How fast the simulated Clay workspace runs in a suite. Clay's real 10 records/s would make 10,000 rows take 17
/// minutes, so suites raise the workspace limit on both sides (ClaySim's bucket and the Enrichers' shared limiter)
/// and speed up ClaySim's clock; every other rule is Clay's.
/// </summary>
public sealed record PipelineSettings
{
    public double RecordsPerSecond { get; init; } = 200;

    public int Burst { get; init; } = 50;

    /// <summary>
    /// How fast the Enrichers' shared rate climbs back after a 429 (records/s regained a second). The Enricher's default
    /// of 1 suits Clay's 10 records/s; at the suites' raised rate the same 1 took minutes to recover from one late
    /// request on a loaded machine, so by default it scales with <see cref="RecordsPerSecond"/> in Clay's proportion.
    /// </summary>
    public double? RateIncreasePerSecond { get; init; }

    /// <summary>ClaySim's speed factor: enrichment latency (1–5 s a provider in Clay) divided by this.</summary>
    public double SpeedFactor { get; init; } = 50;

    public decimal DailyCreditLimit { get; init; } = 10_000_000;

    public int Enrichers { get; init; } = 2;

    /// <summary>
    /// How long rows of an ambiguous send wait for a callback before they go again (the Enricher's default is 300 s):
    /// ClaySim at this speed calls back within a second, so 10 s keeps the duplicate bound and the suites short.
    /// </summary>
    public int AmbiguousSendDeadlineSeconds { get; init; } = 10;

    /// <summary>Settings added to every ClayBus service (not ClaySim), e.g. <c>Jobs__StuckAfter</c>.</summary>
    public IReadOnlyDictionary<string, string?> Extra { get; init; } = new Dictionary<string, string?>();

    /// <summary>ClaySim settings (its <c>ClaySim</c> section as environment variables).</summary>
    public IReadOnlyDictionary<string, string?> ClaySimExtra { get; init; } = new Dictionary<string, string?>();

    /// <summary>Whether the full counts of the issue run (CLAYBUS_FULL=1) rather than the quick defaults.</summary>
    public static bool Full => Environment.GetEnvironmentVariable("CLAYBUS_FULL") == "1";

    /// <summary>
    /// A scenario's row count: <paramref name="quick"/> by default, <paramref name="full"/> under CLAYBUS_FULL=1. The
    /// scenarios are CPU-bound (every row passes four processes on 2 cores), so rows a guarantee does not need are
    /// minutes of the default run; the quick count still spans many batches and every table.
    /// </summary>
    public static int Rows(int quick, int full) => Full ? full : quick;
}
