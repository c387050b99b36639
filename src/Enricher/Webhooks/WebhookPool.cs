using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ClayBus.Enricher.Delivery;
using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Enricher.Webhooks;

/// <summary>Records reserved on one webhook for one request.</summary>
/// <param name="RecordsUsed">The webhook's lifetime count including this reservation.</param>
/// <param name="Cap">The hard cap, or <c>null</c> for an auto-delete table.</param>
/// <param name="CrossedWarning">This reservation is the first to reach the warning threshold.</param>
/// <param name="RotatedFrom">The webhook the table used before, when this reservation moved it on.</param>
public sealed record WebhookReservation(
    WebhookTarget Webhook, int Records, long RecordsUsed, long? Cap, bool CrossedWarning, WebhookTarget? RotatedFrom, long RotatedFromRecordsUsed);

/// <summary>The outcome of asking a table's pool for room.</summary>
/// <param name="Reservation">Null when the pool is spent (or the table has no webhook).</param>
/// <param name="FirstExhaustion">This caller is the first to find the pool spent since it last had room.</param>
/// <param name="TableFull">No room because the table reached <c>Tables:&lt;key&gt;:MaxRows</c>, not because its webhooks are spent.</param>
public sealed record WebhookPoolAnswer(WebhookReservation? Reservation, bool FirstExhaustion, int Webhooks, bool TableFull = false);

/// <summary>What the gate needs to know about a table: its verdict, counters and limits.</summary>
public sealed record TableCheck(TableVerdict Verdict, TableState State, TableLimits Limits, int Webhooks);

/// <summary>
/// A table's webhooks, in configuration order, with lifetime record counters in Redis reserved atomically before
/// each request: every process sees the same counts, a table moves on at the rotation threshold, and no webhook is
/// ever given more than its hard cap (the rule: <see cref="WebhookRotationDecision"/>). The pool is read from configuration at every reservation, so a webhook added
/// to configuration is used without a restart.
/// </summary>
public sealed class WebhookPool
{
    // Named keys, then (count, warned) per webhook; named arguments, then the webhook ids, in pool order.
    // → { 1-based hook index or 0, count after, warned-now or first-exhaustion (1|0), rotated-from index, its count, table full (1|0) }
    private static readonly RedisScript Reserve = new(
        "reserve records on a webhook",
        ["current_key", "exhausted_key", "rows_key", "full_key", "announced_key"],
        ["records", "warn_at", "rotate_at", "cap", "capped", "table_max"],
        """
        -- WebhookRotationDecision.Decide
        local n = tonumber(records)
        warn_at, rotate_at, cap = tonumber(warn_at), tonumber(rotate_at), tonumber(cap)
        capped = capped == '1'
        table_max = tonumber(table_max)
        local hooks = #ARGV - first_rest_arg + 1
        local function count_key(i) return KEYS[first_rest_key + 2 * (i - 1)] end
        local function warned_key(i) return KEYS[first_rest_key + 2 * (i - 1) + 1] end
        local function hook_id(i) return ARGV[first_rest_arg + i - 1] end
        local rows = redis.call('GET', rows_key)
        if rows then
          rows = tonumber(rows)
        else
          -- A table counted before rows per table existed starts from what its webhooks were given.
          rows = 0
          for i = 1, hooks do
            rows = rows + tonumber(redis.call('GET', count_key(i)) or '0')
          end
          redis.call('SET', rows_key, rows)
        end
        if capped and rows + n > table_max then
          redis.call('SET', full_key, table_max)
          return { 0, rows, 0, 0, 0, 1 }
        end
        local current = redis.call('GET', current_key)
        for i = 1, hooks do
          local count = tonumber(redis.call('GET', count_key(i)) or '0')
          if (not capped) or (count < rotate_at and count + n <= cap) then
            local after = redis.call('INCRBY', count_key(i), n)
            redis.call('INCRBY', rows_key, n)
            redis.call('DEL', full_key, announced_key)
            local warned = 0
            if capped and after >= warn_at and redis.call('SET', warned_key(i), '1', 'NX') then
              warned = 1
            end
            local id = hook_id(i)
            local from, from_count = 0, 0
            if current and current ~= id then
              for j = 1, hooks do
                if hook_id(j) == current then
                  from = j
                  from_count = tonumber(redis.call('GET', count_key(j)) or '0')
                end
              end
            end
            if current ~= id then
              redis.call('SET', current_key, id)
            end
            redis.call('DEL', exhausted_key)
            return { i, after, warned, from, from_count, 0 }
          end
        end
        local first = 0
        if redis.call('SET', exhausted_key, '1', 'NX') then
          first = 1
        end
        return { 0, 0, first, 0, 0, 0 }
        """);

    private readonly ConcurrentDictionary<(string Table, string Webhook), long> _remaining = new();
    private TablesOptions _lastReadable = new();
    private readonly RedisKeyspace _redis;
    private readonly IOptionsMonitor<TablesOptions> _tables;
    private readonly IOptionsMonitor<WebhookPoolOptions> _limits;

    public WebhookPool(RedisKeyspace redis, IOptionsMonitor<TablesOptions> tables, IOptionsMonitor<WebhookPoolOptions> limits, DeliveryMetrics metrics)
    {
        _redis = redis;
        _tables = tables;
        _limits = limits;
        metrics.Meter.CreateObservableGauge(
            "claybus.webhook.remaining",
            () => _remaining.Select(pair => new Measurement<long>(
                pair.Value,
                new KeyValuePair<string, object?>("table", pair.Key.Table),
                new KeyValuePair<string, object?>("webhook", pair.Key.Webhook))),
            "{record}",
            "Records left before a webhook's lifetime cap, as last reserved by this process");
    }

    /// <summary>Records left before the hard cap, per webhook as last reserved by this process (the gauge's source).</summary>
    public IReadOnlyDictionary<(string Table, string Webhook), long> Remaining => _remaining;

    public bool IsKnownTable(string tableKey) => Settings().Tables.TryGetValue(tableKey, out var table) && table.Webhooks.Count > 0;

    public IReadOnlyList<WebhookTarget> Targets(string tableKey) =>
        Settings().Tables.TryGetValue(tableKey, out var table)
            ? table.Webhooks
                .Where(hook => Uri.TryCreate(hook.Url, UriKind.Absolute, out _))
                .Select(hook => new WebhookTarget(tableKey, new Uri(hook.Url), string.IsNullOrEmpty(hook.Token) ? null : hook.Token))
                .ToList()
            : [];

    public async Task<WebhookPoolAnswer> ReserveAsync(string tableKey, int records)
    {
        var limits = Settings().Tables.TryGetValue(tableKey, out var table) ? TableLimits.Of(table) : TableLimits.Of(new TableOptions());
        var capped = limits.Capped;
        var targets = Targets(tableKey);
        if (targets.Count == 0)
        {
            return new WebhookPoolAnswer(null, false, 0);
        }

        var o = _limits.CurrentValue;
        var reply = await Reserve.EvaluateAsync(
            _redis.Database,
            [
                ("current_key", $"webhooks:{tableKey}:current"), ("exhausted_key", $"webhooks:{tableKey}:exhausted"), ("rows_key", RowsKey(tableKey)),
                ("full_key", TableKey(tableKey, "full")), ("announced_key", TableKey(tableKey, "full-announced")),
            ],
            [("records", records), ("warn_at", o.WarnAt), ("rotate_at", o.RotateAt), ("cap", o.HardCap), ("capped", capped ? "1" : "0"), ("table_max", limits.MaxRows)],
            targets.SelectMany(target => new RedisKey[] { CountKey(target), $"webhooks:{tableKey}:{target.Id}:warned" }),
            targets.Select(target => (RedisValue)target.Id));
        var result = (long[])reply!;
        if (result[0] == 0)
        {
            return new WebhookPoolAnswer(null, result[2] == 1, targets.Count, result[5] == 1);
        }

        var webhook = targets[(int)result[0] - 1];
        var cap = capped ? o.HardCap : (long?)null;
        if (cap is { } hardCap)
        {
            _remaining[(tableKey, webhook.Masked)] = hardCap - result[1];
        }

        var from = result[3] > 0 ? targets[(int)result[3] - 1] : null;
        return new WebhookPoolAnswer(new WebhookReservation(webhook, records, result[1], cap, result[2] == 1, from, result[4]), false, targets.Count);
    }

    /// <summary>Gives back a reservation Clay certainly did not count (it refused the request before storing anything).</summary>
    public Task ReleaseAsync(WebhookReservation reservation) =>
        Task.WhenAll(
            _redis.Database.StringDecrementAsync(CountKey(reservation.Webhook), reservation.Records),
            _redis.Database.StringDecrementAsync(RowsKey(reservation.Webhook.TableKey), reservation.Records),
            _redis.Database.KeyDeleteAsync(TableKey(reservation.Webhook.TableKey, "full")));

    /// <summary>The gate's verdict for a table (see <see cref="TableGate"/>), from one MGET. Null: the table is not configured.</summary>
    public async Task<TableCheck?> CheckTableAsync(string tableKey)
    {
        var settings = Settings();
        if (!settings.Tables.TryGetValue(tableKey, out var table))
        {
            return null;
        }

        var errors = TableLimits.Errors(tableKey, table);
        var limits = errors.Count == 0 ? TableLimits.Of(table) : new TableLimits(table.AutoDelete, TableLimits.DefaultMaxRows, TableLimits.DefaultMaxRows);
        var targets = Targets(tableKey);
        RedisKey[] keys = [RowsKey(tableKey), TableKey(tableKey, "full"), TableKey(tableKey, "warned"), .. targets.Select(CountKey)];
        var values = await _redis.Database.StringGetAsync(keys);
        var counts = values.Skip(3).Select(v => v.IsNull ? 0 : (long)v).ToList();
        var state = new TableState(values[0].IsNull ? counts.Sum() : (long)values[0], values[1].IsNull ? null : (long)values[1], !values[2].IsNull, counts);
        return new TableCheck(TableGate.Decide(tableKey, errors, limits, state, _limits.CurrentValue), state, limits, targets.Count);
    }

    /// <summary>Sets a table's once-only flag; true for the caller that set it (who then publishes the event).</summary>
    /// <param name="flag"><c>warned</c> (capacity warning), <c>full-announced</c> (<c>TableFull</c>) or <c>exhausted</c> (<c>WebhookPoolExhausted</c>).</param>
    public Task<bool> AnnounceOnceAsync(string tableKey, string flag) =>
        _redis.Database.StringSetAsync(flag == "exhausted" ? $"webhooks:{tableKey}:exhausted" : TableKey(tableKey, flag), "1", when: When.NotExists);

    // A reload that cannot even be bound (a number that is not one) keeps the last settings that could be.
    private TablesOptions Settings()
    {
        try
        {
            return _lastReadable = _tables.CurrentValue;
        }
        catch (Exception exception) when (exception is InvalidOperationException or OptionsValidationException)
        {
            return _lastReadable;
        }
    }

    private static RedisKey CountKey(WebhookTarget target) => $"webhooks:{target.TableKey}:{target.Id}:count";

    private static RedisKey RowsKey(string tableKey) => TableKey(tableKey, "rows");

    private static RedisKey TableKey(string tableKey, string name) => $"tables:{tableKey}:{name}";
}
