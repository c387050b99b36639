namespace ClayBus.Monitor.Status;

/// <summary>A table's current webhook: what is used, what is left, and when it runs out at the recent rate.</summary>
/// <param name="Remaining">Records left before the lifetime cap; null for an uncapped (auto-delete) table.</param>
/// <param name="RecordsPerHour">Records sent to the table per hour over the rate window.</param>
/// <param name="RunsOutAt">When the webhook reaches its cap at that rate; null if uncapped or nothing is being sent.</param>
public sealed record WebhookRunway(
    string TableKey,
    string Webhook,
    long Used,
    long? Cap,
    long? Remaining,
    double? UsedShare,
    double RecordsPerHour,
    DateTimeOffset? RunsOutAt,
    int Rotations,
    bool CapacityLow,
    bool PoolExhausted,
    DateTimeOffset UpdatedAt)
{
    public static WebhookRunway From(WebhookUsage usage, long sentInWindow, TimeSpan window, DateTimeOffset now)
    {
        var remaining = usage.Cap is { } cap ? Math.Max(0, cap - usage.Used) : (long?)null;
        var perHour = sentInWindow / window.TotalHours;
        DateTimeOffset? runsOut = remaining switch
        {
            null => null,
            0 => now,
            _ when perHour <= 0 => null,
            // Beyond ten years the date says nothing useful (and could overflow).
            _ when remaining.Value / perHour > 24 * 3660 => null,
            _ => now + TimeSpan.FromHours(remaining.Value / perHour),
        };
        return new WebhookRunway(
            usage.TableKey,
            usage.Webhook,
            usage.Used,
            usage.Cap,
            remaining,
            usage.Cap is > 0 and var c ? Math.Round((double)usage.Used / c, 4) : null,
            Math.Round(perHour, 2),
            runsOut,
            usage.Rotations,
            usage.CapacityLow,
            usage.PoolExhausted,
            usage.UpdatedAt);
    }
}

/// <summary>What the Enricher's events said last about a table's webhook.</summary>
public sealed record WebhookUsage(
    string TableKey,
    string Webhook,
    long Used,
    long? Cap,
    int Rotations,
    bool CapacityLow,
    bool PoolExhausted,
    DateTimeOffset UpdatedAt);
