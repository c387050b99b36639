using ClayBus.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ClayBus.Enricher.Idempotency;

/// <summary>What a claim found for a chunk of rows.</summary>
/// <param name="Claimed">Rows this delivery now owns and may send.</param>
/// <param name="AlreadySent">Rows an earlier delivery sent: skipped.</param>
/// <param name="Busy">Rows another delivery is sending right now (or was, until its lease ends).</param>
/// <param name="BusyFor">When the longest of those leases ends.</param>
public sealed record RowClaim(IReadOnlyList<string> Claimed, IReadOnlyList<string> AlreadySent, IReadOnlyList<string> Busy, TimeSpan BusyFor);

/// <summary>
/// Per-row delivery state in Redis, one hash per job: a row is <c>sending</c> (owned by one delivery attempt, with a
/// lease) and then <c>sent</c>. A redelivered or requeued batch skips what is sent; a row left <c>sending</c> by a
/// crashed process is taken over when its lease ends (the duplicate bound in the README).
/// </summary>
public sealed class RowClaims(RedisKeyspace redis)
{
    // ARGV: 1 owner, 2 lease ms, 3 ttl s, 4.. row ids → one code per row (0 claimed, 1 sent, 2 busy), then max busy ms.
    private const string ClaimScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local out = {}
        local busy = 0
        for i = 4, #ARGV do
          local v = redis.call('HGET', KEYS[1], ARGV[i])
          local code = 0
          if v == 'sent' then
            code = 1
          elseif v then
            local owner, expires = string.match(v, '^sending|([^|]*)|(%d+)$')
            expires = tonumber(expires) or 0
            if owner ~= ARGV[1] and expires > now then
              code = 2
              busy = math.max(busy, expires - now)
            end
          end
          if code == 0 then
            redis.call('HSET', KEYS[1], ARGV[i], 'sending|' .. ARGV[1] .. '|' .. (now + tonumber(ARGV[2])))
          end
          out[#out + 1] = code
        end
        redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
        out[#out + 1] = busy
        return out
        """;

    // ARGV: 1 owner, 2 lease ms (renew) or -1 (release), 3.. row ids. Touches only rows this owner still holds.
    private const string RenewOrReleaseScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local lease = tonumber(ARGV[2])
        local n = 0
        for i = 3, #ARGV do
          local v = redis.call('HGET', KEYS[1], ARGV[i])
          if v and string.match(v, '^sending|([^|]*)|') == ARGV[1] then
            if lease < 0 then
              redis.call('HDEL', KEYS[1], ARGV[i])
            else
              redis.call('HSET', KEYS[1], ARGV[i], 'sending|' .. ARGV[1] .. '|' .. (now + lease))
            end
            n = n + 1
          end
        end
        return n
        """;

    private const string MarkSentScript = """
        for i = 2, #ARGV do
          redis.call('HSET', KEYS[1], ARGV[i], 'sent')
        end
        redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
        return #ARGV - 1
        """;

    public async Task<RowClaim> ClaimAsync(Guid jobId, string owner, IReadOnlyList<string> rowIds, TimeSpan lease, TimeSpan keepFor)
    {
        var args = new RedisValue[rowIds.Count + 3];
        args[0] = owner;
        args[1] = (long)lease.TotalMilliseconds;
        args[2] = (long)keepFor.TotalSeconds;
        for (var i = 0; i < rowIds.Count; i++)
        {
            args[i + 3] = rowIds[i];
        }

        var codes = (long[])(await redis.Database.ScriptEvaluateAsync(ClaimScript, [Key(jobId)], args))!;
        List<string> claimed = [], sent = [], busy = [];
        for (var i = 0; i < rowIds.Count; i++)
        {
            (codes[i] switch { 0 => claimed, 1 => sent, _ => busy }).Add(rowIds[i]);
        }

        return new RowClaim(claimed, sent, busy, TimeSpan.FromMilliseconds(codes[^1]));
    }

    /// <summary>Extends this owner's leases just before the request goes out (the limiter may have made it wait).</summary>
    public Task RenewAsync(Guid jobId, string owner, IReadOnlyList<string> rowIds, TimeSpan lease) =>
        RenewOrReleaseAsync(jobId, owner, rowIds, (long)lease.TotalMilliseconds);

    /// <summary>Gives back rows that were claimed but not sent, so the next delivery sends them at once.</summary>
    public Task ReleaseAsync(Guid jobId, string owner, IReadOnlyList<string> rowIds) => RenewOrReleaseAsync(jobId, owner, rowIds, -1);

    public async Task MarkSentAsync(Guid jobId, IReadOnlyList<string> rowIds, TimeSpan keepFor)
    {
        var args = new RedisValue[rowIds.Count + 1];
        args[0] = (long)keepFor.TotalSeconds;
        for (var i = 0; i < rowIds.Count; i++)
        {
            args[i + 1] = rowIds[i];
        }

        await redis.Database.ScriptEvaluateAsync(MarkSentScript, [Key(jobId)], args);
    }

    private async Task RenewOrReleaseAsync(Guid jobId, string owner, IReadOnlyList<string> rowIds, long leaseMs)
    {
        if (rowIds.Count == 0)
        {
            return;
        }

        var args = new RedisValue[rowIds.Count + 2];
        args[0] = owner;
        args[1] = leaseMs;
        for (var i = 0; i < rowIds.Count; i++)
        {
            args[i + 2] = rowIds[i];
        }

        await redis.Database.ScriptEvaluateAsync(RenewOrReleaseScript, [Key(jobId)], args);
    }

    private static RedisKey Key(Guid jobId) => $"delivery:job:{jobId:N}";
}
