using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    /// 64-bit hashes of the <c>claybus_row_id</c>s the duplicate counter remembers, about 20 bytes a row: every one ever
    /// accepted, or for an auto-delete table only those of rows still in it. Only touched under the workspace gate.
    /// </summary>
    private readonly HashSet<ulong> _rowIds = [];

    /// <summary>Auto-delete only: row ids present more than once, with their extra copies, so that one copy leaving
    /// does not make the next repeat look new while another copy is still in the table.</summary>
    private readonly Dictionary<ulong, int> _extraCopies = [];

    private long _retainedRowIds;

    /// <summary>Row-id entries the duplicate counter holds now: what an auto-delete table must bring back to 0.</summary>
    public long RetainedRowIds => Interlocked.Read(ref _retainedRowIds);

    /// <summary>Records an accepted row's id; false when it is a duplicate. Under the workspace gate.</summary>
    public bool AddRowId(ulong hash)
    {
        if (_rowIds.Add(hash))
        {
            Interlocked.Increment(ref _retainedRowIds);
            return true;
        }

        if (AutoDelete)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_extraCopies, hash, out _)++;
            Interlocked.Increment(ref _retainedRowIds);
        }

        return false;
    }

    /// <summary>An auto-delete row left the table: forget one copy of its id. Under the workspace gate.</summary>
    public void ForgetRowId(ulong hash)
    {
        ref var extra = ref CollectionsMarshal.GetValueRefOrNullRef(_extraCopies, hash);
        if (!Unsafe.IsNullRef(ref extra))
        {
            if (--extra == 0)
            {
                _extraCopies.Remove(hash);
            }
        }
        else if (!_rowIds.Remove(hash))
        {
            return;
        }

        Interlocked.Decrement(ref _retainedRowIds);
    }

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

/// <summary>
/// A webhook source of a table: its secret id, optional token and lifetime cap. Deleting it and rotating its token can
/// be time-boxed faults: both are read against the clock, so the webhook comes back (the old token is valid again)
/// at the first request after the box ends, on a fake clock as on a real one.
/// </summary>
internal sealed class SimWebhook
{
    public const string IdPrefix = "pull-in-data-from-a-webhook-";

    private readonly Lock _tokenGate = new();
    private TokenState _token = TokenState.None;
    private long _goneUntilTicks;

    public required string Id { get; init; }

    public required SimTable Table { get; init; }

    /// <summary>Records accepted over the webhook's lifetime may not pass this (ignored for auto-delete tables).</summary>
    public required long Cap { get; init; }

    /// <summary>The workspace's (unscaled) clock, which time boxes are measured on.</summary>
    public required TimeProvider Time { get; init; }

    /// <summary>The token a request must present now; <c>null</c> when the webhook has none.</summary>
    public string? Token
    {
        get => Volatile.Read(ref _token).At(Time.GetUtcNow());
        init => _token = new TokenState(value, null, null);
    }

    public Counters Counters { get; } = new();

    /// <summary>Deleted for good: by the admin API without a time box, with its table, or by a reset.</summary>
    public volatile bool Deleted;

    /// <summary>Ingest answers 404: deleted for good, or inside a time-boxed deletion.</summary>
    public bool Gone => Deleted || Time.GetUtcNow().UtcTicks < Interlocked.Read(ref _goneUntilTicks);

    /// <summary>The last six characters: what logs may show of a secret id.</summary>
    public string Masked => "…" + Id[^6..];

    /// <summary>Gone until <paramref name="until"/>; a later time box replaces this one, a deletion for good wins.</summary>
    public void DeleteUntil(DateTimeOffset until) => Interlocked.Exchange(ref _goneUntilTicks, until.UtcTicks);

    /// <summary>
    /// A new token; with <paramref name="revertAt"/> the token in force before the call is valid again from then on
    /// (and the new one no longer is). A rotation without a time box cancels a pending revert.
    /// </summary>
    public void RotateToken(string token, DateTimeOffset? revertAt)
    {
        lock (_tokenGate)
        {
            var inForce = Token;
            Volatile.Write(ref _token, new TokenState(token, revertAt is null ? null : inForce, revertAt));
        }
    }

    private sealed record TokenState(string? Current, string? Previous, DateTimeOffset? RevertAt)
    {
        public static readonly TokenState None = new(null, null, null);

        public string? At(DateTimeOffset now) => RevertAt is { } at && now >= at ? Previous : Current;
    }
}
