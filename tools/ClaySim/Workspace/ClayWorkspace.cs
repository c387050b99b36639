using System.Collections.Concurrent;
using System.Security.Cryptography;
using ClayBus.ClaySim.Enrichment;
using ClayBus.ClaySim.Ingest;
using Microsoft.Extensions.Options;

namespace ClayBus.ClaySim.Workspace;

/// <summary>
/// The one Clay workspace: its tables, webhooks, providers, rate limit and counters. Everything that must be exact
/// under concurrent requests (the bucket, the caps, the duplicate sets) changes only under <see cref="Gate"/>.
/// </summary>
internal sealed class ClayWorkspace
{
    private readonly ConcurrentDictionary<string, SimTable> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SimWebhook> _webhooks = new(StringComparer.Ordinal);
    private readonly ClaySimOptions _options;
    private readonly TimeProvider _time;
    private readonly SettingsBoard _settings;
    private readonly IReadOnlyList<(TableDefinition Table, IReadOnlyList<(string Id, string? Token)> Webhooks)> _defaults;
    private int _generation;

    public ClayWorkspace(IOptions<ClaySimOptions> options, SettingsBoard settings, TimeProvider time)
    {
        _options = options.Value;
        _settings = settings;
        _time = time;
        Bucket = new TokenBucket(time);
        // Ids and tokens are made once per process so that a reset restores the very webhooks scripts configured.
        _defaults = _options.Tables
            .Select(t => (t, (IReadOnlyList<(string, string?)>)Enumerable.Range(0, t.Webhooks)
                .Select(_ => (NewWebhookId(), t.WithToken ? NewToken() : null))
                .ToList()))
            .ToList();
        Restore();
    }

    public Lock Gate { get; } = new();

    public TokenBucket Bucket { get; }

    public Counters Totals { get; private set; } = new();

    public ConcurrentDictionary<string, ProviderProfile> Providers { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, Counters> ProviderCounters { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>Jobs by the hash of their <c>claybus_job_id</c>; added under <see cref="Gate"/>, read without it.</summary>
    private ConcurrentDictionary<ulong, SimJob> _jobs = new();

    /// <summary>Accepted rows by row-id hash; read and written only under <see cref="Gate"/>.</summary>
    public RowLog Rows { get; } = new();

    /// <summary>The unscaled clock's now: what acceptance times are stamped with.</summary>
    public DateTimeOffset Now => _time.GetUtcNow();

    public SimJob? FindJob(ulong jobHash) => _jobs.TryGetValue(jobHash, out var job) ? job : null;

    /// <summary>The job of a record, made the first time its id is seen. Under <see cref="Gate"/>.</summary>
    public SimJob? JobOf(ulong jobHash, ReadOnlySpan<byte> record)
    {
        if (_jobs.TryGetValue(jobHash, out var job))
        {
            return job;
        }

        if (Ingest.RecordParser.JobId(record) is not { } id)
        {
            return null;
        }

        job = new SimJob(id);
        _jobs[jobHash] = job;
        return job;
    }

    /// <summary>Changes at every reset, so that work queued before it is dropped rather than counted.</summary>
    public int Generation => Volatile.Read(ref _generation);

    public IEnumerable<SimTable> Tables => _tables.Values.OrderBy(t => t.Key, StringComparer.Ordinal);

    public SimTable? FindTable(string key) => _tables.TryGetValue(key, out var table) && !table.Deleted ? table : null;

    public SimWebhook? FindWebhook(string id) => _webhooks.TryGetValue(id, out var hook) ? hook : null;

    public IEnumerable<SimWebhook> Webhooks => _webhooks.Values;

    public (SimTable? Table, string? Problem) CreateTable(TableSpec spec)
    {
        if (!TableDefinition.IsValidKey(spec.Key))
        {
            return (null, "key must be 1-100 letters, digits or '-'");
        }

        var waterfall = spec.Waterfall ?? _options.Tables.FirstOrDefault()?.Waterfall ?? [];
        if (waterfall.FirstOrDefault(p => !Providers.ContainsKey(p)) is { } unknown)
        {
            return (null, $"waterfall names provider '{unknown}', which the workspace does not have (GET /_sim/providers lists them)");
        }

        var url = spec.CallbackUrl ?? $"{_options.CallbackBaseUrl.TrimEnd('/')}/clay/callbacks/{spec.Key}";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var callbackUrl) || (callbackUrl.Scheme != Uri.UriSchemeHttp && callbackUrl.Scheme != Uri.UriSchemeHttps))
        {
            return (null, "callbackUrl must be an absolute http(s) URL");
        }

        if (spec.RowCap is < 1)
        {
            return (null, "rowCap must be at least 1");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["x-claybus-callback-secret"] = _options.CallbackSecret };
        foreach (var (name, value) in spec.CallbackHeaders ?? [])
        {
            headers[name] = value;
        }

        var autoDelete = spec.AutoDelete ?? false;
        var table = new SimTable
        {
            Key = spec.Key,
            AutoDelete = autoDelete,
            RowCap = autoDelete ? long.MaxValue : spec.RowCap ?? _options.TableRowCap,
            CallbackUrl = callbackUrl,
            CallbackHeaders = headers,
            Waterfall = [.. waterfall],
        };
        return _tables.TryAdd(spec.Key, table) ? (table, null) : (null, $"table '{spec.Key}' exists already");
    }

    public bool DeleteTable(string key)
    {
        if (!_tables.TryRemove(key, out var table))
        {
            return false;
        }

        lock (Gate)
        {
            table.Deleted = true;
            foreach (var hook in table.Webhooks())
            {
                hook.Deleted = true;
            }
        }

        return true;
    }

    public SimWebhook CreateWebhook(SimTable table, long? cap, bool withToken, string? id = null, string? token = null)
    {
        var hook = new SimWebhook
        {
            Id = id ?? NewWebhookId(),
            Table = table,
            Cap = cap ?? _options.WebhookCap,
            Token = withToken ? token ?? NewToken() : null,
            Time = _time,
        };
        table.AddWebhook(hook);
        _webhooks[hook.Id] = hook;

        return hook;
    }

    /// <summary>
    /// An auto-delete row's callback went through: the row leaves the table and its id the duplicate set, so memory
    /// stays flat however many rows pass through.
    /// </summary>
    public void AutoDelete(RowWork row)
    {
        lock (Gate)
        {
            Interlocked.Decrement(ref row.Table.RowsInTable);
            if (row.HasRowId)
            {
                row.Table.ForgetRowId(row.RowHash);
            }
        }
    }

    /// <summary>Counters and rows to zero, settings and providers as configured, only the default tables and webhooks.</summary>
    public void Restore()
    {
        lock (Gate)
        {
            Interlocked.Increment(ref _generation);
            foreach (var table in _tables.Values)
            {
                table.Deleted = true;
            }

            foreach (var hook in _webhooks.Values)
            {
                hook.Deleted = true;
            }

            _tables.Clear();
            _webhooks.Clear();
            Totals = new Counters();
            ProviderCounters = new ConcurrentDictionary<string, Counters>(StringComparer.Ordinal);
            _jobs = new ConcurrentDictionary<ulong, SimJob>();
            Rows.Clear();
            Providers.Clear();
            foreach (var (name, profile) in _options.Providers)
            {
                Providers[name] = profile;
            }

            _settings.Set(_settings.Initial);
            Bucket.Configure(_settings.Initial.BucketCapacity, _settings.Initial.RefillPerSecond, fill: true);
        }

        foreach (var (definition, webhooks) in _defaults)
        {
            var spec = new TableSpec(definition.Key, definition.AutoDelete, definition.RowCap, definition.CallbackUrl, null, definition.Waterfall);
            var (table, problem) = CreateTable(spec);
            if (table is null)
            {
                throw new InvalidOperationException($"{ClaySimOptions.Section}:Tables '{definition.Key}': {problem}");
            }

            foreach (var (id, token) in webhooks)
            {
                CreateWebhook(table, definition.WebhookCap, token is not null, id, token);
            }
        }
    }

    public void ApplySettings(SimSettings settings)
    {
        lock (Gate)
        {
            _settings.Set(settings);
            Bucket.Configure(settings.BucketCapacity, settings.RefillPerSecond, fill: false);
        }
    }

    public Counters CountersOf(string provider) => ProviderCounters.GetOrAdd(provider, _ => new Counters());

    public static string NewToken() => RandomNumberGenerator.GetHexString(40, lowercase: true);

    private static string NewWebhookId() => SimWebhook.IdPrefix + Guid.NewGuid().ToString("D");
}

/// <summary>The body of <c>POST /_sim/tables</c>.</summary>
internal sealed record TableSpec(
    string Key,
    bool? AutoDelete,
    long? RowCap,
    string? CallbackUrl,
    Dictionary<string, string>? CallbackHeaders,
    IReadOnlyList<string>? Waterfall);
