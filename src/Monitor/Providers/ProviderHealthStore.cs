using System.Globalization;
using ClayBus.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ClayBus.Monitor.Providers;

/// <summary>
/// Provider health's state in Redis, so that every Monitor instance sees the same windows and only one of them
/// announces each change. Keys (under the deployment prefix): <c>providers:window:{provider}</c> (list of 1/0, newest
/// first), <c>providers:known</c> (set), <c>providers:degraded</c> (hash provider → since),
/// <c>providers:ejected</c> (sorted set by ejection time), <c>providers:routes</c> (hash table → variant).
/// </summary>
public sealed class ProviderHealthStore(RedisKeyspace redis)
{
    private const string Known = "providers:known";
    private const string Degraded = "providers:degraded";
    private const string Ejected = "providers:ejected";
    private const string Routes = "providers:routes";

    /// <summary>Where outcomes of providers past <see cref="ProviderHealthOptions.MaxProviders"/> are counted.</summary>
    public const string Other = "other";

    // Push, trim and count in one step: two instances recording at once must not both read a half-trimmed list.
    // Names come from callbacks: past the cap of known names a new one is counted under 'other' (its own window), so
    // a garbled or forged name cannot add keys and metric series without bound.
    private static readonly LuaScript RecordScript = LuaScript.Prepare("""
        local window, provider = @window, @provider
        if redis.call('SISMEMBER', @known, provider) == 0 and redis.call('SCARD', @known) >= tonumber(@max) then
          window, provider = @otherWindow, 'other'
        end
        redis.call('LPUSH', window, @outcome)
        redis.call('LTRIM', window, 0, tonumber(@size) - 1)
        redis.call('SADD', @known, provider)
        local items = redis.call('LRANGE', window, 0, -1)
        local ones = 0
        for _, v in ipairs(items) do if v == '1' then ones = ones + 1 end end
        return { #items, ones, provider }
        """);

    // Envoy's max_ejection_percent, enforced across instances: the count and the add are one atomic step. A provider
    // that recovered since the caller read the degraded marks is not ejected again: nothing would ever restore it.
    private static readonly LuaScript EjectScript = LuaScript.Prepare("""
        if redis.call('HEXISTS', @degraded, @provider) == 0 then return -2 end
        if redis.call('ZSCORE', @ejected, @provider) then return 0 end
        if redis.call('ZCARD', @ejected) >= tonumber(@max) then return -1 end
        redis.call('ZADD', @ejected, @score, @provider)
        return 1
        """);

    // Ejected providers in ejection order, dropping any that is no longer degraded (an ejection left by an older
    // Monitor's race, or by a crash between clearing the mark and the ejection).
    private static readonly LuaScript EjectedScript = LuaScript.Prepare("""
        local result = {}
        for _, provider in ipairs(redis.call('ZRANGE', @ejected, 0, -1)) do
          if redis.call('HEXISTS', @degraded, provider) == 1 then
            table.insert(result, provider)
          else
            redis.call('ZREM', @ejected, provider)
          end
        end
        return result
        """);

    private static readonly LuaScript SetRouteScript = LuaScript.Prepare("""
        local old = redis.call('HGET', @routes, @table)
        if old == false then old = '' end
        if old == @route then return 0 end
        redis.call('HSET', @routes, @table, @route)
        return 1
        """);

    private IDatabase Database => redis.Database;

    /// <returns>The provider's window, and the name it was counted under (<see cref="Other"/> past the cap).</returns>
    public async Task<(string Provider, ProviderWindow Window)> RecordAsync(string provider, bool success, int windowSize, int maxProviders)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(RecordScript, new
        {
            window = (RedisKey)WindowKey(provider),
            otherWindow = (RedisKey)WindowKey(Other),
            known = (RedisKey)Known,
            outcome = success ? "1" : "0",
            size = windowSize,
            provider,
            max = maxProviders,
        }))!;
        return ((string)result[2]!, new ProviderWindow((int)result[0], (int)result[1]));
    }

    /// <summary>True for the one caller that marked the provider degraded.</summary>
    public Task<bool> TryMarkDegradedAsync(string provider, DateTimeOffset at) =>
        Database.HashSetAsync(Degraded, provider, at.ToString("O", CultureInfo.InvariantCulture), When.NotExists);

    /// <summary>True for the one caller that cleared the provider's degraded mark; its ejection ends with it.</summary>
    public async Task<bool> TryMarkRecoveredAsync(string provider)
    {
        var cleared = await Database.HashDeleteAsync(Degraded, provider);
        await Database.SortedSetRemoveAsync(Ejected, provider);
        return cleared;
    }

    public async Task<EjectionResult> TryEjectAsync(string provider, int maxEjected, DateTimeOffset at)
    {
        var result = (int)await Database.ScriptEvaluateAsync(EjectScript, new
        {
            ejected = (RedisKey)Ejected,
            degraded = (RedisKey)Degraded,
            provider,
            max = maxEjected,
            score = at.ToUnixTimeMilliseconds(),
        });
        return result switch
        {
            1 => EjectionResult.Ejected,
            0 => EjectionResult.AlreadyEjected,
            -2 => EjectionResult.NotDegraded,
            _ => EjectionResult.OverLimit,
        };
    }

    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> DegradedAsync()
    {
        var entries = await Database.HashGetAllAsync(Degraded);
        return entries.ToDictionary(
            entry => entry.Name.ToString(),
            entry => DateTimeOffset.Parse(entry.Value.ToString(), CultureInfo.InvariantCulture),
            StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<string>> EjectedInOrderAsync() =>
        ((RedisResult[])(await Database.ScriptEvaluateAsync(EjectedScript, new { ejected = (RedisKey)Ejected, degraded = (RedisKey)Degraded }))!)
            .Select(value => value.ToString()).ToList();

    public async Task<int> KnownCountAsync() => (int)await Database.SetLengthAsync(Known);

    /// <summary>True for the one caller that changed the table's route (null = the table itself).</summary>
    public async Task<bool> TrySetRouteAsync(string table, string? route) =>
        (int)await Database.ScriptEvaluateAsync(SetRouteScript, new { routes = (RedisKey)Routes, table, route = route ?? "" }) == 1;

    public async Task<IReadOnlyDictionary<string, string>> RoutesAsync() =>
        (await Database.HashGetAllAsync(Routes))
            .Where(entry => entry.Value.HasValue && entry.Value.ToString().Length > 0)
            .ToDictionary(entry => entry.Name.ToString(), entry => entry.Value.ToString(), StringComparer.Ordinal);

    public async Task<IReadOnlyList<(string Provider, ProviderWindow Window)>> WindowsAsync()
    {
        var providers = (await Database.SetMembersAsync(Known)).Select(value => value.ToString()).Order(StringComparer.Ordinal).ToList();
        var windows = new List<(string, ProviderWindow)>(providers.Count);
        foreach (var provider in providers)
        {
            var items = await Database.ListRangeAsync(WindowKey(provider));
            windows.Add((provider, new ProviderWindow(items.Length, items.Count(item => item == "1"))));
        }

        return windows;
    }

    private static string WindowKey(string provider) => "providers:window:" + provider;
}

public enum EjectionResult
{
    Ejected,
    AlreadyEjected,
    OverLimit,

    /// <summary>The provider recovered meanwhile.</summary>
    NotDegraded,
}
