using ClayBus.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ClayBus.Enricher.Idempotency;

/// <summary>What a claim found for a chunk of rows.</summary>
/// <param name="Claimed">Rows this delivery now owns and may send.</param>
/// <param name="AlreadySent">Rows an earlier delivery sent (or a callback proved): skipped.</param>
/// <param name="Busy">Rows another delivery is sending right now (or was, until its lease ends).</param>
/// <param name="BusyFor">When the longest of those leases ends.</param>
/// <param name="Waiting">Rows of an ambiguous send still waiting for a callback or their deadline.</param>
/// <param name="WaitingFor">When the latest of those deadlines passes.</param>
public sealed record RowClaim(
    IReadOnlyList<string> Claimed, IReadOnlyList<string> AlreadySent, IReadOnlyList<string> Busy, TimeSpan BusyFor, IReadOnlyList<string>? Waiting = null, TimeSpan WaitingFor = default);

/// <summary>
/// Per-row delivery state in Redis, one hash per job: a row is <c>sending</c> (owned by one delivery attempt, with a
/// lease), then <c>sent</c>, or <c>unknown</c> after an ambiguous send (kept until a callback proves the send or its
/// deadline passes). The rule is <see cref="ResendDecision"/>; the scripts execute it atomically.
/// </summary>
public sealed class RowClaims(RedisKeyspace redis)
{
    // ARGV: 1 owner, 2 lease ms, 3 ttl s, 4.. row ids → one ClaimCode per row, then max busy ms, then max waiting ms.
    private const string ClaimScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local out = {}
        local busy, waiting = 0, 0
        for i = 4, #ARGV do
          local v = redis.call('HGET', KEYS[1], ARGV[i])
          local code = 0
          if v == 'sent' then
            code = 1
          elseif v then
            local kind, holder, untl = string.match(v, '^(%a+)|([^|]*)|(%d+)$')
            untl = tonumber(untl) or 0
            if holder and (kind == 'sending' or kind == 'unknown') and redis.call('HEXISTS', KEYS[1], 'proof|' .. holder) == 1 then
              code = 1
              redis.call('HSET', KEYS[1], ARGV[i], 'sent')
            elseif kind == 'sending' and holder ~= ARGV[1] and untl > now then
              code = 2
              busy = math.max(busy, untl - now)
            elseif kind == 'unknown' and untl > now then
              code = 3
              waiting = math.max(waiting, untl - now)
            end
          end
          if code == 0 then
            redis.call('HSET', KEYS[1], ARGV[i], 'sending|' .. ARGV[1] .. '|' .. (now + tonumber(ARGV[2])))
          end
          out[#out + 1] = code
        end
        redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
        out[#out + 1] = busy
        out[#out + 1] = waiting
        return out
        """;

    // ARGV: 1 owner, 2 lease ms (renew), -1 (release) or -2 (unknown until now + ARGV[3] ms), 3 deadline ms, 4.. rows.
    // Touches only rows this owner still holds.
    private const string ChangeOwnedScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local lease = tonumber(ARGV[2])
        local n = 0
        for i = 4, #ARGV do
          local v = redis.call('HGET', KEYS[1], ARGV[i])
          if v and string.match(v, '^sending|([^|]*)|') == ARGV[1] then
            if lease == -1 then
              redis.call('HDEL', KEYS[1], ARGV[i])
            elseif lease == -2 then
              redis.call('HSET', KEYS[1], ARGV[i], 'unknown|' .. ARGV[1] .. '|' .. (now + tonumber(ARGV[3])))
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

    // ARGV: 1 row id. A callback for a row being sent or of an ambiguous send proves that whole send.
    private const string ProveScript = """
        local v = redis.call('HGET', KEYS[1], ARGV[1])
        if not v then return 0 end
        local holder = string.match(v, '^sending|([^|]*)|') or string.match(v, '^unknown|([^|]*)|')
        if not holder then return 0 end
        redis.call('HSET', KEYS[1], 'proof|' .. holder, '1')
        return 1
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
        List<string> claimed = [], sent = [], busy = [], waiting = [];
        for (var i = 0; i < rowIds.Count; i++)
        {
            ((ClaimCode)codes[i] switch { ClaimCode.Claimed => claimed, ClaimCode.Sent => sent, ClaimCode.Busy => busy, _ => waiting }).Add(rowIds[i]);
        }

        return new RowClaim(claimed, sent, busy, TimeSpan.FromMilliseconds(codes[^2]), waiting, TimeSpan.FromMilliseconds(codes[^1]));
    }

    /// <summary>Extends this owner's leases just before the request goes out (the limiter may have made it wait).</summary>
    public Task RenewAsync(Guid jobId, string owner, IReadOnlyList<string> rowIds, TimeSpan lease) =>
        ChangeOwnedAsync(jobId, owner, rowIds, (long)lease.TotalMilliseconds, 0);

    /// <summary>Gives back rows that were claimed but not sent, so the next delivery sends them at once.</summary>
    public Task ReleaseAsync(Guid jobId, string owner, IReadOnlyList<string> rowIds) => ChangeOwnedAsync(jobId, owner, rowIds, -1, 0);

    /// <summary>Keeps rows of an ambiguous send claimed until a callback proves the send or <paramref name="deadline"/> passes.</summary>
    public Task MarkUnknownAsync(Guid jobId, string owner, IReadOnlyList<string> rowIds, TimeSpan deadline) =>
        ChangeOwnedAsync(jobId, owner, rowIds, -2, (long)deadline.TotalMilliseconds);

    /// <summary>A callback arrived for the row: the send it went in reached Clay.</summary>
    public async Task<bool> MarkProvedAsync(Guid jobId, string rowId) =>
        (long)await redis.Database.ScriptEvaluateAsync(ProveScript, [Key(jobId)], [rowId]) == 1;

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

    private async Task ChangeOwnedAsync(Guid jobId, string owner, IReadOnlyList<string> rowIds, long leaseMs, long deadlineMs)
    {
        if (rowIds.Count == 0)
        {
            return;
        }

        var args = new RedisValue[rowIds.Count + 3];
        args[0] = owner;
        args[1] = leaseMs;
        args[2] = deadlineMs;
        for (var i = 0; i < rowIds.Count; i++)
        {
            args[i + 3] = rowIds[i];
        }

        await redis.Database.ScriptEvaluateAsync(ChangeOwnedScript, [Key(jobId)], args);
    }

    private static RedisKey Key(Guid jobId) => $"delivery:job:{jobId:N}";
}
