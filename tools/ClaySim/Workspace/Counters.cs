namespace ClayBus.ClaySim.Workspace;

/// <summary>
/// The ground truth for one scope (the workspace, a webhook, a table or a provider). Ingest fields change under the
/// workspace gate; enrichment and callback fields change from workers with <see cref="Interlocked"/>.
/// </summary>
internal sealed class Counters
{
    public long Requests;
    public long BytesReceived;
    public long RecordsAccepted;
    public long DuplicateRowIds;
    public long DroppedOverCap;
    public long DroppedOverTableCap;
    public long Responses429;
    public long Responses401;
    public long Responses404;
    public long Responses413;
    public long Responses422;
    public long ResponsesCapError;
    public long ResponsesInjected5xx;
    public long Hangs;
    public long RequestsStoredThenFailed;
    public long RecordsStoredThenFailed;
    public long RowsEnriched;
    public long RowsNoData;
    public long RowsError;
    public long RowsStuck;
    public long ProviderCalls;
    public long ActionsCharged;

    /// <summary>Thousandths of a Data Credit, so that fractional credits add up exactly.</summary>
    public long DataMilliCredits;
    public long CallbacksSent;
    public long CallbackAttemptsFailed;
    public long CallbacksFailed;
    public long CallbacksDropped;
    public long CallbacksDuplicated;

    /// <summary>The row counter for a row status (<c>enriched</c>, <c>no_data</c>, <c>error</c>) or a provider result.</summary>
    public ref long OutcomeField(string result)
    {
        if (result is "enriched" or "hit")
        {
            return ref RowsEnriched;
        }

        if (result == "no_data")
        {
            return ref RowsNoData;
        }

        return ref RowsError;
    }

    public IReadOnlyDictionary<string, double> Snapshot() => new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["requests"] = Read(ref Requests),
        ["bytesReceived"] = Read(ref BytesReceived),
        ["recordsAccepted"] = Read(ref RecordsAccepted),
        ["duplicateRowIds"] = Read(ref DuplicateRowIds),
        ["droppedOverCap"] = Read(ref DroppedOverCap),
        ["droppedOverTableCap"] = Read(ref DroppedOverTableCap),
        ["responses429"] = Read(ref Responses429),
        ["responses401"] = Read(ref Responses401),
        ["responses404"] = Read(ref Responses404),
        ["responses413"] = Read(ref Responses413),
        ["responses422"] = Read(ref Responses422),
        ["responsesCapError"] = Read(ref ResponsesCapError),
        ["responsesInjected5xx"] = Read(ref ResponsesInjected5xx),
        ["hangs"] = Read(ref Hangs),
        ["requestsStoredThenFailed"] = Read(ref RequestsStoredThenFailed),
        ["recordsStoredThenFailed"] = Read(ref RecordsStoredThenFailed),
        ["rowsEnriched"] = Read(ref RowsEnriched),
        ["rowsNoData"] = Read(ref RowsNoData),
        ["rowsError"] = Read(ref RowsError),
        ["rowsStuck"] = Read(ref RowsStuck),
        ["providerCalls"] = Read(ref ProviderCalls),
        ["actionsCharged"] = Read(ref ActionsCharged),
        ["dataCreditsCharged"] = Read(ref DataMilliCredits) / 1000.0,
        ["callbacksSent"] = Read(ref CallbacksSent),
        ["callbackAttemptsFailed"] = Read(ref CallbackAttemptsFailed),
        ["callbacksFailed"] = Read(ref CallbacksFailed),
        ["callbacksDropped"] = Read(ref CallbacksDropped),
        ["callbacksDuplicated"] = Read(ref CallbacksDuplicated),
    };

    private static long Read(ref long field) => Interlocked.Read(ref field);
}
