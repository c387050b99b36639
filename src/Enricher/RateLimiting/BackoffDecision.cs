namespace ClayBus.Enricher.RateLimiting;

/// <summary>The shared bucket's state as stored (µs; null where a field was never written).</summary>
public readonly record struct BucketState(double? Tat, double? Rate, long? RateAt, long? DecreasedAt);

/// <summary>The limiter's settings that shape the rate (records/s; µs).</summary>
public readonly record struct RateTerms(double Ceiling, int Burst, double IncreasePerSecond, double Minimum, double DecreaseFactor, double IsolatedDecreaseFactor, long RepeatWindowMicros)
{
    public static RateTerms Of(RateLimitOptions o) =>
        new(o.SustainedRecordsPerSecond, o.EffectiveBurst, o.IncreasePerSecond, o.RecordsPerSecond * o.MinimumShare, o.DecreaseFactor, o.IsolatedDecreaseFactor, o.RepeatWindowSeconds * 1_000_000L);
}

/// <summary>What a 429 does to the bucket: the rate now, and the state to store (null: that field is unchanged).</summary>
public readonly record struct BackoffVerdict(double Rate, bool Decreased, double? NewTat);

/// <summary>
/// The shared rate and its back-off. The rate climbs back linearly towards the ceiling after a cut. A 429 cuts it at
/// most once per Retry-After window (many callers see the same storm); a cut within the repeat window of the last is
/// the full decrease (the rate is too high), a lone one after a quiet spell only trims it (one late request). Clay's
/// bucket is empty at the 429, so ours is pushed to be empty when the Retry-After is over.
/// <see cref="SharedRateScripts.Backoff"/> and <see cref="SharedRateScripts.Reserve"/> execute this atomically.
/// </summary>
public static class BackoffDecision
{
    /// <summary>The rate at <paramref name="now"/>: the stored rate plus its climb since it was set, within the bounds.</summary>
    public static double RateAt(long now, BucketState state, RateTerms terms)
    {
        var rate = state.Rate ?? terms.Ceiling;
        var rateAt = state.RateAt ?? now;
        return Math.Max(terms.Minimum, Math.Min(terms.Ceiling, rate + (terms.IncreasePerSecond * (now - rateAt) / 1_000_000)));
    }

    public static BackoffVerdict Decide(long now, long retryAfterMicros, BucketState state, RateTerms terms)
    {
        var rate = RateAt(now, state, terms);
        var decreasedAt = state.DecreasedAt ?? 0;
        var decreased = now - decreasedAt >= Math.Max(retryAfterMicros, 1_000_000);
        if (decreased)
        {
            var factor = now - decreasedAt < terms.RepeatWindowMicros ? terms.DecreaseFactor : terms.IsolatedDecreaseFactor;
            rate = Math.Max(terms.Minimum, rate * factor);
        }

        var tat = state.Tat ?? now;
        var emptyAt = now + retryAfterMicros + (terms.Burst * 1_000_000.0 / rate);
        return new BackoffVerdict(rate, decreased, emptyAt > tat ? emptyAt : null);
    }
}
