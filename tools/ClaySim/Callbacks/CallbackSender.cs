using System.Globalization;
using System.Net.Http.Headers;
using ClayBus.ClaySim.Clock;
using ClayBus.ClaySim.Enrichment;
using ClayBus.ClaySim.Faults;
using ClayBus.ClaySim.Workspace;

namespace ClayBus.ClaySim.Callbacks;

/// <summary>A row's callback draws, taken from its seeded stream before anything else happens to it.</summary>
internal readonly record struct CallbackFate(double DropDraw, double DuplicateDraw);

/// <summary>A callback ready to go, numbered in the order rows finished (sent as <c>x-claysim-sequence</c>).</summary>
internal sealed record ReadyCallback(RowWork Row, byte[] Body, long Sequence, bool Duplicate);

/// <summary>
/// The HTTP API column: POSTs each finished row to its table's callback URL with the table's headers, and plays
/// Clay's undocumented delivery behaviour on demand: dropped, delayed, duplicated and out-of-order callbacks, and a
/// retry policy (attempts and exponential backoff, in simulated time) for callbacks the receiver refuses.
/// </summary>
internal sealed partial class CallbackSender
{
    public const string ClientName = "ClaySim.Callbacks";
    public const string SequenceHeader = "x-claysim-sequence";

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);
    private readonly IHttpClientFactory _clients;
    private readonly ClayWorkspace _workspace;
    private readonly SettingsBoard _settings;
    private readonly FaultBoard _faults;
    private readonly SimClock _clock;
    private readonly ILogger<CallbackSender> _logger;
    private readonly OutOfOrderWindow _window;
    private long _sequence;

    public CallbackSender(IHttpClientFactory clients, ClayWorkspace workspace, SettingsBoard settings, FaultBoard faults, SimClock clock, ILogger<CallbackSender> logger)
    {
        _clients = clients;
        _workspace = workspace;
        _settings = settings;
        _faults = faults;
        _clock = clock;
        _logger = logger;
        _window = new OutOfOrderWindow(this, clock, logger);
    }

    public async Task DispatchAsync(RowWork row, byte[] body, CallbackFate fate, CancellationToken stopping)
    {
        var fault = _faults.Current;
        if (fate.DropDraw < fault.CallbackDropRate)
        {
            Count(row, static c => ref c.CallbacksDropped);
            return;
        }

        if (fault.CallbackDelayMs > 0)
        {
            await _clock.DelayAsync(TimeSpan.FromMilliseconds(fault.CallbackDelayMs), stopping);
        }

        var ready = new ReadyCallback(row, body, Interlocked.Increment(ref _sequence), fate.DuplicateDraw < fault.CallbackDuplicateRate);
        if (fault.CallbackOutOfOrder)
        {
            _window.Hold(ready, _settings.Current.CallbackOutOfOrderWindow, stopping);
            return;
        }

        await DeliverAsync(ready, stopping);
    }

    public async Task DeliverAsync(ReadyCallback callback, CancellationToken stopping)
    {
        if (callback.Row.Generation != _workspace.Generation)
        {
            return;
        }

        var delivered = await SendWithRetriesAsync(callback, stopping);
        if (delivered)
        {
            Settle(callback.Row);
        }

        if (callback.Duplicate)
        {
            Count(callback.Row, static c => ref c.CallbacksDuplicated);
            if (await SendWithRetriesAsync(callback, stopping) && !delivered)
            {
                Settle(callback.Row);
            }
        }
    }

    /// <summary>
    /// The row's HTTP API call went through (once per row: a duplicate delivery is Clay repeating the same call). Only
    /// now is its Action charged (clay-spec §2-§3: charged on success only, so a dropped or failed callback costs
    /// nothing), and an auto-delete row leaves the table.
    /// </summary>
    private void Settle(RowWork row)
    {
        if (row.Generation != _workspace.Generation)
        {
            return;
        }

        if (row.Table.AutoDelete)
        {
            _workspace.AutoDelete(row);
        }

        lock (_workspace.Gate)
        {
            _workspace.Rows.Charge(row.RowHash, 0, 1);
        }

        // Last, so that a reader who sees the Action charged sees the row settled.
        Count(row, static c => ref c.ActionsCharged);
    }

    private async Task<bool> SendWithRetriesAsync(ReadyCallback callback, CancellationToken stopping)
    {
        var table = callback.Row.Table;
        var settings = _settings.Current;
        var client = _clients.CreateClient(ClientName);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, table.CallbackUrl)
                {
                    Content = new ByteArrayContent(callback.Body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
                };
                foreach (var (name, value) in table.CallbackHeaders)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                request.Headers.TryAddWithoutValidation(SequenceHeader, callback.Sequence.ToString(CultureInfo.InvariantCulture));
                using var response = await client.SendAsync(request, stopping);
                if (response.IsSuccessStatusCode)
                {
                    Count(callback.Row, static c => ref c.CallbacksSent);
                    return true;
                }

                LogRefused(_logger, table.Key, (int)response.StatusCode, attempt + 1);
            }
            catch (Exception exception) when (exception is HttpRequestException || (exception is OperationCanceledException && !stopping.IsCancellationRequested))
            {
                LogUnreachable(_logger, table.Key, attempt + 1, exception.GetType().Name);
            }

            Count(callback.Row, static c => ref c.CallbackAttemptsFailed);
            if (attempt >= settings.CallbackRetries)
            {
                Count(callback.Row, static c => ref c.CallbacksFailed);
                return false;
            }

            var backoff = TimeSpan.FromMilliseconds(settings.CallbackRetryBackoffMs * Math.Pow(2, attempt));
            await _clock.DelayAsync(backoff < MaxBackoff ? backoff : MaxBackoff, stopping);
        }
    }

    private delegate ref long CounterField(Counters counters);

    private void Count(RowWork row, CounterField field)
    {
        foreach (var counters in row.Scopes(_workspace))
        {
            Interlocked.Increment(ref field(counters));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback for table {Table} refused with {Status} (attempt {Attempt})")]
    private static partial void LogRefused(ILogger logger, string table, int status, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback for table {Table} failed to reach the receiver (attempt {Attempt}): {Error}")]
    private static partial void LogUnreachable(ILogger logger, string table, int attempt, string error);
}
