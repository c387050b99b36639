using System.Text.Json;
using ClayBus.Contracts.Delivery;
using ClayBus.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ClayBus.Monitor.Status;

/// <summary>One reason an Enricher instance stopped taking batches, as its <c>DeliveryPaused</c> said.</summary>
/// <param name="Instance">Host name and process id of the Enricher.</param>
/// <param name="ProbeAt">When the Enricher will next try to resume, if it said.</param>
public sealed record EnricherPause(string Instance, PauseReason Reason, string Detail, DateTimeOffset Since, DateTimeOffset? ProbeAt);

/// <summary>
/// Paused Enricher instances, shared by every Monitor. Keys: <c>enrichers:paused</c> (sorted set of
/// <c>{instance}|{reason}</c> by the pause's time), <c>enrichers:paused:detail</c> (hash of the same members → the
/// pause as JSON), <c>enrichers:resumed</c> (sorted set by the resume's time). The Enricher publishes each pause once,
/// and the two events can arrive in either order (or on two Monitors): a pause no newer than a resume already seen
/// is ignored, a resume removes only a pause no newer than itself. Entries older than the staleness are dropped when
/// read, so an Enricher that died paused does not look paused forever.
/// </summary>
public sealed class EnricherPauseStore(RedisKeyspace redis)
{
    private const string Paused = "enrichers:paused";
    private const string Details = "enrichers:paused:detail";
    private const string Resumed = "enrichers:resumed";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private IDatabase Database => redis.Database;

    /// <returns><c>false</c> when a newer pause or a later resume of the same instance and reason was already seen.</returns>
    public async Task<bool> PausedAsync(EnricherPause pause) =>
        (long)await EnricherPauseStoreScripts.Pause.EvaluateAsync(
            Database,
            [("paused_key", Paused), ("details_key", Details), ("resumed_key", Resumed)],
            [
                ("member", Member(pause.Instance, pause.Reason)), ("at", pause.Since.ToUnixTimeMilliseconds()),
                ("json", JsonSerializer.Serialize(pause, Json)),
            ]) == 1;

    /// <returns><c>true</c> when a pause was removed.</returns>
    public async Task<bool> ResumedAsync(string instance, PauseReason reason, DateTimeOffset at) =>
        (long)await EnricherPauseStoreScripts.Resume.EvaluateAsync(
            Database,
            [("paused_key", Paused), ("details_key", Details), ("resumed_key", Resumed)],
            [("member", Member(instance, reason)), ("at", at.ToUnixTimeMilliseconds())]) == 1;

    /// <summary>The pauses not older than <paramref name="staleAfter"/>, oldest first.</summary>
    public async Task<IReadOnlyList<EnricherPause>> ReadAsync(DateTimeOffset now, TimeSpan staleAfter)
    {
        var values = (RedisResult[])(await EnricherPauseStoreScripts.Read.EvaluateAsync(
            Database,
            [("paused_key", Paused), ("details_key", Details), ("resumed_key", Resumed)],
            [("cutoff", (now - staleAfter).ToUnixTimeMilliseconds())]))!;
        return [.. values
            .Where(value => !value.IsNull)
            .Select(value => JsonSerializer.Deserialize<EnricherPause>((string)value!, Json)!)];
    }

    private static string Member(string instance, PauseReason reason) => instance + "|" + reason;
}
