using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Enricher.Idempotency;

/// <summary>
/// <see cref="RowClaims"/>' atomic steps on one hash per job (<c>job</c>), the row ids past the named arguments.
/// A row being sent (or of an ambiguous send) has a text field of its own; a sent row is packed (<see cref="SentRowPacking"/>).
/// The claim rule is <see cref="ResendDecision"/>; these scripts only execute it.
/// </summary>
public static class RowClaimsScripts
{
    // Sent rows: packed in buckets (SentRowPacking) or, written before the packing or for an id kept as text, a
    // field 'sent' of their own; both are honoured, and a row sent now is written packed.
    private const string SentRows = """
        local function packed_has(v, e)
          if not v then return false end
          local from = 1
          while true do
            local p = string.find(v, e, from, true)
            if not p then return false end
            if (p - 1) % 16 == 0 then return true end
            from = p + 1
          end
        end
        local function is_sent(packed)
          return packed ~= '' and packed_has(redis.call('HGET', job, string.sub(packed, 1, 5)), string.sub(packed, 6))
        end
        local function mark_sent(row, packed)
          if packed == '' then
            redis.call('HSET', job, row, 'sent')
            return
          end
          local bucket, entry = string.sub(packed, 1, 5), string.sub(packed, 6)
          local v = redis.call('HGET', job, bucket)
          if not packed_has(v, entry) then
            redis.call('HSET', job, bucket, (v or '') .. entry)
          end
          redis.call('HDEL', job, row)
        end

        """;

    // Rows come as pairs past the named arguments: the row id, then its SentRowPacking.Pack (empty: kept as text).
    // → one ClaimCode per row, then max busy ms, then max waiting ms.
    public static readonly RedisScript Claim = new(
        "claim rows",
        ["job"],
        ["owner", "lease_ms", "ttl_s"],
        SentRows + """
        -- ResendDecision.Decide, a packed sent row read as the state 'sent'
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local out = {}
        local busy, waiting = 0, 0
        for i = first_rest_arg, #ARGV, 2 do
          local row, packed = ARGV[i], ARGV[i + 1]
          local code = 0
          local v = nil
          if is_sent(packed) then
            code = 1
          else
            v = redis.call('HGET', job, row)
          end
          if v == 'sent' then
            code = 1
          elseif v then
            local kind, holder, untl = string.match(v, '^(%a+)|([^|]*)|(%d+)$')
            untl = tonumber(untl) or 0
            if holder and (kind == 'sending' or kind == 'unknown') and redis.call('HEXISTS', job, 'proof|' .. holder) == 1 then
              code = 1
              mark_sent(row, packed)
            elseif kind == 'sending' and holder ~= owner and untl > now then
              code = 2
              busy = math.max(busy, untl - now)
            elseif kind == 'unknown' and untl > now then
              code = 3
              waiting = math.max(waiting, untl - now)
            end
          end
          if code == 0 then
            redis.call('HSET', job, row, 'sending|' .. owner .. '|' .. (now + tonumber(lease_ms)))
          end
          out[#out + 1] = code
        end
        redis.call('EXPIRE', job, tonumber(ttl_s))
        out[#out + 1] = busy
        out[#out + 1] = waiting
        return out
        """);

    // lease_ms: a lease (renew), -1 (release) or -2 (unknown until now + deadline_ms). Touches only rows this owner
    // still holds. → rows changed.
    public static readonly RedisScript ChangeOwned = new(
        "change owned rows",
        ["job"],
        ["owner", "lease_ms", "deadline_ms"],
        """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local lease = tonumber(lease_ms)
        local n = 0
        for i = first_rest_arg, #ARGV do
          local v = redis.call('HGET', job, ARGV[i])
          if v and string.match(v, '^sending|([^|]*)|') == owner then
            if lease == -1 then
              redis.call('HDEL', job, ARGV[i])
            elseif lease == -2 then
              redis.call('HSET', job, ARGV[i], 'unknown|' .. owner .. '|' .. (now + tonumber(deadline_ms)))
            else
              redis.call('HSET', job, ARGV[i], 'sending|' .. owner .. '|' .. (now + lease))
            end
            n = n + 1
          end
        end
        return n
        """);

    // Rows as pairs, as for Claim. → rows marked.
    public static readonly RedisScript MarkSent = new(
        "mark rows sent",
        ["job"],
        ["ttl_s"],
        SentRows + """
        for i = first_rest_arg, #ARGV, 2 do
          mark_sent(ARGV[i], ARGV[i + 1])
        end
        redis.call('EXPIRE', job, tonumber(ttl_s))
        return (#ARGV - first_rest_arg + 1) / 2
        """);

    // A callback for a row being sent or of an ambiguous send proves that whole send. → 1 when it proved one.
    public static readonly RedisScript Prove = new(
        "prove a send",
        ["job"],
        ["row"],
        """
        local v = redis.call('HGET', job, row)
        if not v then return 0 end
        local holder = string.match(v, '^sending|([^|]*)|') or string.match(v, '^unknown|([^|]*)|')
        if not holder then return 0 end
        redis.call('HSET', job, 'proof|' .. holder, '1')
        return 1
        """);
}
