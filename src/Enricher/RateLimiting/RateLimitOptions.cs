using System.ComponentModel.DataAnnotations;

namespace ClayBus.Enricher.RateLimiting;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    /// <summary>Clay's per-workspace limit: every Enricher process together stays under it.</summary>
    [Range(0.1, 100_000, ErrorMessage = "must be between 0.1 and 100000 records per second (Clay allows 10)")]
    public double RecordsPerSecond { get; set; } = 10;

    /// <summary>Clay's burst (bucket capacity) in records.</summary>
    [Range(1, 100_000, ErrorMessage = "must be between 1 and 100000 records (Clay allows 20)")]
    public int Burst { get; set; } = 20;

    /// <summary>
    /// How late a request may reach Clay, after its slot, without finding Clay's bucket short: the client keeps this
    /// much of Clay's bucket unused (the rate times this time, in records). Requests bunch on the way (scheduling, GC,
    /// the network), and a fixed number of records would be a different time at every rate.
    /// </summary>
    [Range(0, 60_000, ErrorMessage = "must be between 0 and 60000 milliseconds")]
    public int HeadroomMilliseconds { get; set; } = 250;

    /// <summary>
    /// The share of <see cref="RecordsPerSecond"/> the client runs at when it has work queued. Headroom that one late
    /// request used up (Clay's bucket overflowed while the request was on its way) comes back only while the client
    /// sends slower than Clay refills: at exactly Clay's rate it never comes back, and the next late request draws a
    /// 429. At 0.995 the headroom at 200 records/s is whole again within ten seconds, for half a percent of throughput.
    /// </summary>
    [Range(0.5, 1, ErrorMessage = "must be between 0.5 and 1 (the share of RecordsPerSecond used under load)")]
    public double SustainedShare { get; set; } = 0.995;

    /// <summary>Records of Clay's burst the client never uses; when set it replaces <see cref="HeadroomMilliseconds"/>.</summary>
    [Range(0, 100_000, ErrorMessage = "must be between 0 and Burst - 1 records (or unset to use HeadroomMilliseconds)")]
    public int? BurstMargin { get; set; }

    /// <summary>The shared bucket's name: one per Clay workspace.</summary>
    [Required(ErrorMessage = "is required: a name for the Clay workspace, e.g. 'default'")]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "must be 1-64 letters, digits, '_', '.' or '-'")]
    public string Workspace { get; set; } = "default";

    /// <summary>Multiplicative decrease of the shared rate on a 429 that follows another within <see cref="RepeatWindowSeconds"/> (0.5 halves it).</summary>
    [Range(0.05, 1, ErrorMessage = "must be between 0.05 and 1")]
    public double DecreaseFactor { get; set; } = 0.5;

    /// <summary>The decrease on an isolated 429 (none in the <see cref="RepeatWindowSeconds"/> before it): one late request should not halve every instance.</summary>
    [Range(0.05, 1, ErrorMessage = "must be between 0.05 and 1")]
    public double IsolatedDecreaseFactor { get; set; } = 0.9;

    /// <summary>A 429 this soon after the last decrease means the rate itself is too high, not one request late.</summary>
    [Range(1, 3600, ErrorMessage = "must be between 1 and 3600 seconds")]
    public int RepeatWindowSeconds { get; set; } = 10;

    /// <summary>Additive increase back towards <see cref="RecordsPerSecond"/>: records/s regained per second.</summary>
    [Range(0.001, 100_000, ErrorMessage = "must be between 0.001 and 100000 records per second per second")]
    public double IncreasePerSecond { get; set; } = 1;

    /// <summary>The floor of the shared rate after decreases, as a share of <see cref="RecordsPerSecond"/>.</summary>
    [Range(0.01, 1, ErrorMessage = "must be between 0.01 and 1")]
    public double MinimumShare { get; set; } = 0.1;

    /// <summary>The longest a caller reserves ahead; beyond it the caller waits and asks again, so a dead caller wastes little.</summary>
    [Range(1, 3600, ErrorMessage = "must be between 1 and 3600 seconds")]
    public int MaxReserveAheadSeconds { get; set; } = 30;

    /// <summary>
    /// The furthest slot a Normal batch reserves: a later one stays free for High. Short, so High is never behind
    /// more than one Normal or Low request; long enough that a caller asking again wakes before its slot.
    /// </summary>
    [Range(10, 60_000, ErrorMessage = "must be between 10 and 60000 milliseconds (the furthest slot a Normal batch reserves)")]
    public int NormalHorizonMilliseconds { get; set; } = 400;

    /// <summary>The furthest slot a Low batch reserves, shorter than Normal's so Normal goes first.</summary>
    [Range(10, 60_000, ErrorMessage = "must be between 10 and 60000 milliseconds (the furthest slot a Low batch reserves)")]
    public int LowHorizonMilliseconds { get; set; } = 200;

    /// <summary>
    /// The share of the rate Normal and Low each still get while higher classes keep the bucket busy: a class with no
    /// grant for as long as one of its requests takes at this share of the rate reserves anyway.
    /// </summary>
    [Range(0.01, 0.5, ErrorMessage = "must be between 0.01 and 0.5 (the minimum share of a lower priority class)")]
    public double LowerClassShare { get; set; } = 0.1;

    /// <summary>
    /// Records of Clay's bucket kept unused: <see cref="BurstMargin"/>, or the headroom in time at the configured rate.
    /// The time headroom never takes more than half the bucket, so a request keeps at least half of Clay's burst and
    /// a high rate does not shrink requests to single records.
    /// </summary>
    public int Margin => BurstMargin is { } records
        ? Math.Min(records, Burst - 1)
        : Math.Min((int)Math.Ceiling((RecordsPerSecond * HeadroomMilliseconds / 1000.0) - 1e-9), Burst / 2);

    /// <summary>The ceiling of the shared rate: Clay's rate times <see cref="SustainedShare"/>.</summary>
    public double SustainedRecordsPerSecond => RecordsPerSecond * SustainedShare;

    /// <summary>The client's own bucket: what one request may hold at most.</summary>
    public int EffectiveBurst => Math.Max(1, Burst - Margin);

    /// <summary>The headroom actually held: how late a request may arrive at Clay and still find its tokens.</summary>
    public TimeSpan EffectiveHeadroom => TimeSpan.FromSeconds(Margin / RecordsPerSecond);

    /// <summary>
    /// A caller that wakes this much after its slot gives the slot up and asks for a new one: sent that late it would
    /// use up the headroom alone and leave none for the network. Half the headroom; none without headroom.
    /// </summary>
    public TimeSpan LateGrantLimit => EffectiveHeadroom / 2;
}
