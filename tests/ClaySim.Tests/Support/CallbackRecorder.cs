using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace ClayBus.ClaySim.Tests.Support;

/// <summary>One callback as the receiver saw it.</summary>
public sealed record ReceivedCallback(Uri Url, IReadOnlyDictionary<string, string> Headers, string Body, long Sequence, DateTimeOffset At)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string RowId => Json.GetProperty("claybus_row_id").GetString()!;
}

/// <summary>
/// Stands in for the ClayBus callback receiver inside ClaySim's HTTP client: records every callback and answers
/// with the status <see cref="Answer"/> picks (by row id and attempt number, 1-based).
/// </summary>
public sealed class CallbackRecorder(TimeProvider time) : HttpMessageHandler
{
    private readonly ConcurrentQueue<ReceivedCallback> _received = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    public Func<string, int, HttpStatusCode> Answer { get; set; } = (_, _) => HttpStatusCode.OK;

    /// <summary>Callbacks answered 2xx, in arrival order.</summary>
    public IReadOnlyList<ReceivedCallback> Accepted => [.. _received];

    public int Attempts(string rowId) => _attempts.GetValueOrDefault(rowId);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.Concat(request.Content.Headers)
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value), StringComparer.Ordinal);
        var callback = new ReceivedCallback(request.RequestUri!, headers, body, long.Parse(headers["x-claysim-sequence"], System.Globalization.CultureInfo.InvariantCulture), time.GetUtcNow());
        var rowId = callback.RowId;
        var attempt = _attempts.AddOrUpdate(rowId, 1, (_, n) => n + 1);
        var status = Answer(rowId, attempt);
        if ((int)status is >= 200 and < 300)
        {
            _received.Enqueue(callback);
        }

        return new HttpResponseMessage(status);
    }
}
