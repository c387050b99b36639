namespace ClayBus.ClaySim.Workspace;

/// <summary>A Clay table: its caps, its HTTP API column (callback) and its provider waterfall.</summary>
internal sealed class SimTable
{
    public required string Key { get; init; }

    /// <summary>Enterprise auto-delete: no caps, and a row leaves the table once its callback succeeded.</summary>
    public required bool AutoDelete { get; init; }

    public required long RowCap { get; init; }

    public required Uri CallbackUrl { get; init; }

    public required IReadOnlyDictionary<string, string> CallbackHeaders { get; init; }

    public required IReadOnlyList<string> Waterfall { get; init; }

    public Counters Counters { get; } = new();

    /// <summary>Rows in the table now: every accepted row, less the auto-deleted ones. Changed with Interlocked.</summary>
    public long RowsInTable;

    /// <summary>
    /// 64-bit hashes of every <c>claybus_row_id</c> accepted (kept for auto-delete tables too): the duplicate counter's
    /// memory, about 20 bytes a row. Only touched under the workspace gate.
    /// </summary>
    public HashSet<ulong> RowIds { get; } = [];

    private readonly List<SimWebhook> _webhooks = [];

    public void AddWebhook(SimWebhook hook)
    {
        lock (_webhooks)
        {
            _webhooks.Add(hook);
        }
    }

    /// <summary>Webhooks of this table in creation order.</summary>
    public SimWebhook[] Webhooks()
    {
        lock (_webhooks)
        {
            return [.. _webhooks];
        }
    }

    public volatile bool Deleted;
}

/// <summary>A webhook source of a table: its secret id, optional token and lifetime cap.</summary>
internal sealed class SimWebhook
{
    public const string IdPrefix = "pull-in-data-from-a-webhook-";

    public required string Id { get; init; }

    public required SimTable Table { get; init; }

    /// <summary>Records accepted over the webhook's lifetime may not pass this (ignored for auto-delete tables).</summary>
    public required long Cap { get; init; }

    private string? _token;

    public string? Token
    {
        get => Volatile.Read(ref _token);
        set => Volatile.Write(ref _token, value);
    }

    public Counters Counters { get; } = new();

    public volatile bool Deleted;

    /// <summary>The last six characters: what logs may show of a secret id.</summary>
    public string Masked => "…" + Id[^6..];
}
