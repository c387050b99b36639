using System.Globalization;
using ClayBus.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ClayBus.Monitor.Providers;

/// <summary>
/// Provider health's state in Redis, so that every Monitor instance sees the same windows and only one of them
/// announces each change. Keys (under the deployment prefix): <c>providers:window:{provider}</c> (list of 1/0, newest
/// first), <c>providers:known</c> (set), <c>providers:degraded</c> (hash provider → since),
/// <c>providers:ejected</c> (sorted set by ejection time), <c>providers:routes</c> (hash table → variant),
/// <c>providers:route-versions</c> (hash table → the version of its last route change).
/// </summary>
public sealed class ProviderHealthStore(RedisKeyspace redis)
{
    private const string Known = "providers:known";
    private const string Degraded = "providers:degraded";
    private const string Ejected = "providers:ejected";
    private const string Routes = "providers:routes";
    private const string RouteVersions = "providers:route-versions";

    /// <summary>Where outcomes of providers past <see cref="ProviderHealthOptions.MaxProviders"/> are counted.</summary>
    public const string Other = "other";

    private IDatabase Database => redis.Database;

    /// <returns>The provider's window, and the name it was counted under (<see cref="Other"/> past the cap).</returns>
    public async Task<(string Provider, ProviderWindow Window)> RecordAsync(string provider, bool success, int windowSize, int maxProviders)
    {
        var result = (RedisResult[])(await ProviderHealthStoreScripts.Record.EvaluateAsync(
            Database,
            [("window_key", WindowKey(provider)), ("other_window_key", WindowKey(Other)), ("known_key", Known)],
            [("outcome", success ? "1" : "0"), ("size", windowSize), ("given_provider", provider), ("max", maxProviders)]))!;
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
        var result = (int)await ProviderHealthStoreScripts.Eject.EvaluateAsync(
            Database,
            [("ejected_key", Ejected), ("degraded_key", Degraded)],
            [("provider", provider), ("max", maxEjected), ("score", at.ToUnixTimeMilliseconds())]);
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
        ((RedisResult[])(await ProviderHealthStoreScripts.Ejected.EvaluateAsync(
            Database,
            [("ejected_key", Ejected), ("degraded_key", Degraded)],
            []))!)
            .Select(value => value.ToString()).ToList();

    public async Task<int> KnownCountAsync() => (int)await Database.SetLengthAsync(Known);

    /// <summary>Changes the table's route (null = the table itself).</summary>
    /// <returns>The change's version, for the one caller that changed it; 0 when the route already was that.</returns>
    public async Task<long> TrySetRouteAsync(string table, string? route) =>
        (long)await ProviderHealthStoreScripts.SetRoute.EvaluateAsync(
            Database,
            [("routes_key", Routes), ("versions_key", RouteVersions)],
            [("table_name", table), ("route", route ?? "")]);

    /// <summary>Every table whose route ever changed: its route (null = the table itself) and that change's version.</summary>
    public async Task<IReadOnlyList<(string Table, string? Route, long Version)>> RouteVersionsAsync()
    {
        var routes = await RoutesAsync();
        return (await Database.HashGetAllAsync(RouteVersions))
            .Select(entry => (Table: entry.Name.ToString(), Version: (long)entry.Value))
            .Select(entry => (entry.Table, routes.GetValueOrDefault(entry.Table), entry.Version))
            .ToList();
    }

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
