using ClayBus.Contracts.Submission;

namespace ClayBus.Enricher.RateLimiting;

/// <summary>What one priority class may reserve: how far ahead, and when it is owed a grant whatever waits above it.</summary>
/// <param name="HorizonMicros">The furthest slot this class reserves; a later one is left for the classes above it.</param>
/// <param name="OwedAfterMicros">Time without a grant after which the class reserves anyway (its minimum share); 0: never.</param>
public readonly record struct ClassTerms(long HorizonMicros, long OwedAfterMicros);

/// <summary>One ask of the shared bucket, in Redis's clock (µs) and the bucket's state.</summary>
public readonly record struct GrantAsk(long Now, double Tat, double Interval, int Burst, int Permits, ClassTerms Terms, long? LastGrant, long MaxAheadMicros);

/// <summary>Reserve now (wait until the slot) or ask again after <see cref="Wait"/>.</summary>
public readonly record struct GrantVerdict(bool Reserved, long Wait, double NewTat);

/// <summary>
/// Priority across every Enricher through one bucket: the GCRA slot is the same for all, but a lower class reserves
/// only a slot that is near (its horizon), so the slots further out stay free for a higher class that comes later.
/// High reserves as far as the limiter ever does (<c>RateLimit:MaxReserveAheadSeconds</c>) and so lands right behind
/// the at most one near chunk of the classes below. A lower class that had no grant for as long as its minimum share
/// of the rate needs for one request is owed one and reserves behind what is queued, so it is never starved.
/// The Lua script <see cref="SharedRateScripts.Reserve"/> executes this decision; the two are checked with the same cases.
/// </summary>
public static class ClassGrantDecision
{
    public static GrantVerdict Decide(GrantAsk ask)
    {
        var newTat = Math.Max(ask.Tat, ask.Now) + (ask.Permits * ask.Interval);
        var wait = (long)Math.Ceiling(newTat - (ask.Burst * ask.Interval) - ask.Now);
        if (wait > ask.MaxAheadMicros)
        {
            return new GrantVerdict(false, wait - ask.MaxAheadMicros, ask.Tat);
        }

        if (wait <= ask.Terms.HorizonMicros || IsOwed(ask))
        {
            return new GrantVerdict(true, Math.Max(0, wait), newTat);
        }

        // Come back when the slot would be within the horizon, or when the class is owed, whichever is first.
        var again = wait - ask.Terms.HorizonMicros;
        if (ask.Terms.OwedAfterMicros > 0)
        {
            var owedIn = ask.LastGrant!.Value + ask.Terms.OwedAfterMicros - ask.Now;
            again = Math.Min(again, Math.Max(1, owedIn));
        }

        return new GrantVerdict(false, again, ask.Tat);
    }

    /// <summary>The terms of <paramref name="priority"/> under <paramref name="options"/> at the current rate.</summary>
    public static ClassTerms TermsOf(JobPriority priority, RateLimitOptions options, int permits, double recordsPerSecond)
    {
        var maxAhead = options.MaxReserveAheadSeconds * 1_000_000L;
        if (priority >= JobPriority.High)
        {
            return new ClassTerms(maxAhead, 0);
        }

        var horizon = priority >= JobPriority.Normal ? options.NormalHorizonMilliseconds : options.LowHorizonMilliseconds;

        // One request of this size per this long is the class's share of the rate.
        var owedAfter = (long)(permits / (options.LowerClassShare * recordsPerSecond) * 1_000_000);
        return new ClassTerms(horizon * 1000L, owedAfter);
    }

    // A class with no grant on record (new, or idle past the state's expiry) is owed at once.
    private static bool IsOwed(GrantAsk ask) =>
        ask.Terms.OwedAfterMicros > 0 && (ask.LastGrant is not { } last || ask.Now - last >= ask.Terms.OwedAfterMicros);
}
