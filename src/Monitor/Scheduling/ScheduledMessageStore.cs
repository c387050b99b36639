using ClayBus.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ClayBus.Monitor.Scheduling;

/// <summary>A message waiting to be sent: the envelope exactly as it will go out, and where to.</summary>
public sealed record ScheduledMessageRecord(Uri Destination, string ContentType, byte[] Body, Guid? MessageId, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// Due messages in a sorted set (<c>scheduler:due</c>, score = due time in ms) and one hash per scheduling token
/// (<c>scheduler:message:{token}</c>). Claiming moves a token's score one lease into the future in the same Lua
/// call that reads it, so of several Monitor instances exactly one sends it (again only if its claimant died).
/// </summary>
public sealed class ScheduledMessageStore(RedisKeyspace redis)
{
    private const string DueKey = "scheduler:due";

    public async Task Add(Guid token, DateTimeOffset due, ScheduledMessageRecord record)
    {
        var fields = new List<HashEntry>
        {
            new("destination", record.Destination.ToString()),
            new("contentType", record.ContentType),
            new("body", record.Body),
            new("messageId", record.MessageId?.ToString() ?? ""),
        };
        fields.AddRange(record.Headers.Select(header => new HashEntry("h:" + header.Key, header.Value)));

        var transaction = redis.Database.CreateTransaction();
        _ = transaction.KeyDeleteAsync(RecordKey(token));
        _ = transaction.HashSetAsync(RecordKey(token), [.. fields]);
        _ = transaction.SortedSetAddAsync(DueKey, Token(token), due.ToUnixTimeMilliseconds());
        await transaction.ExecuteAsync();
    }

    public async Task<bool> Cancel(Guid token)
    {
        var transaction = redis.Database.CreateTransaction();
        var removed = transaction.SortedSetRemoveAsync(DueKey, Token(token));
        _ = transaction.KeyDeleteAsync(RecordKey(token));
        await transaction.ExecuteAsync();
        return await removed;
    }

    /// <returns>The claimed tokens and the lease score to hand back to <see cref="Complete"/>.</returns>
    public async Task<(IReadOnlyList<Guid> Tokens, long Lease)> ClaimDue(DateTimeOffset now, TimeSpan lease, int max)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var leaseMs = (long)lease.TotalMilliseconds;
        var claimed = (RedisResult[])(await ScheduledMessageStoreScripts.Claim.EvaluateAsync(
            redis.Database,
            [("due_key", DueKey)],
            [("now_ms", nowMs), ("lease_ms", leaseMs), ("max", max)]))!;
        return ([.. claimed.Select(token => Guid.Parse((string)token!))], nowMs + leaseMs);
    }

    public async Task<ScheduledMessageRecord?> Read(Guid token)
    {
        var entries = await redis.Database.HashGetAllAsync(RecordKey(token));
        if (entries.Length == 0)
        {
            return null;
        }

        var fields = entries.ToDictionary(entry => (string)entry.Name!, entry => entry.Value);
        var messageId = (string?)fields.GetValueOrDefault("messageId");
        return new ScheduledMessageRecord(
            new Uri((string)fields["destination"]!),
            (string)fields["contentType"]!,
            (byte[])fields["body"]!,
            Guid.TryParse(messageId, out var id) ? id : null,
            fields.Where(field => field.Key.StartsWith("h:", StringComparison.Ordinal))
                .ToDictionary(field => field.Key[2..], field => (string)field.Value!));
    }

    public async Task<bool> Complete(Guid token, long lease) =>
        (int)await ScheduledMessageStoreScripts.Complete.EvaluateAsync(
            redis.Database,
            [("due_key", DueKey), ("record_key", RecordKey(token))],
            [("token", Token(token)), ("lease", lease)]) == 1;

    /// <summary>Messages waiting (scheduled or leased), for health and tests.</summary>
    public Task<long> Count() => redis.Database.SortedSetLengthAsync(DueKey);

    private static RedisKey RecordKey(Guid token) => "scheduler:message:" + Token(token);

    private static string Token(Guid token) => token.ToString("N");
}
