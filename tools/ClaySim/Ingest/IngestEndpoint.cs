using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using ClayBus.ClaySim.Enrichment;
using ClayBus.ClaySim.Faults;
using ClayBus.ClaySim.Workspace;

namespace ClayBus.ClaySim.Ingest;

/// <summary>
/// Clay's table webhook: <c>POST /v3/sources/webhook/{webhookId}</c>. Status codes as Clay answers them (404, 401,
/// 413, 422, 429, 200), each rejection with a JSON body saying why; injected faults come first, as a real outage would.
/// </summary>
internal static class IngestEndpoint
{
    public const string TokenHeader = "x-clay-webhook-auth";

    private static readonly byte[] OkBody = "{\"status\":\"ok\"}"u8.ToArray();

    public static IEndpointRouteBuilder MapIngest(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v3/sources/webhook/{webhookId}", HandleAsync);
        return app;
    }

    private static async Task HandleAsync(
        string webhookId,
        HttpContext http,
        ClayWorkspace workspace,
        SettingsBoard settings,
        FaultBoard faults,
        EnrichmentQueue queue,
        TimeProvider time,
        IHostApplicationLifetime lifetime)
    {
        var totals = workspace.Totals;
        Interlocked.Increment(ref totals.Requests);
        var fault = faults.Current;
        if (fault.AddedLatencyMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(fault.AddedLatencyMs), time, http.RequestAborted);
        }

        if (fault.HangRate > 0 && Random.Shared.NextDouble() < fault.HangRate)
        {
            Interlocked.Increment(ref totals.Hangs);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, time, stop.Token);
            }
            catch (OperationCanceledException)
            {
                http.Abort();
            }

            return;
        }

        if (fault.ServerErrorRate > 0 && Random.Shared.NextDouble() < fault.ServerErrorRate)
        {
            Interlocked.Increment(ref totals.ResponsesInjected5xx);
            var status = fault.ServerErrorStatuses[Random.Shared.Next(fault.ServerErrorStatuses.Count)];
            await Reject(http, status, "injected_fault", $"an injected server error ({status}) from PUT /_sim/faults");
            return;
        }

        var hook = workspace.FindWebhook(webhookId);
        if (hook is null || hook.Gone)
        {
            Interlocked.Increment(ref totals.Responses404);
            await Reject(http, 404, "webhook_not_found", "no webhook with this id: it never existed or was deleted");
            return;
        }

        Interlocked.Increment(ref hook.Counters.Requests);
        Interlocked.Increment(ref hook.Table.Counters.Requests);
        if (TokenProblem(hook, http.Request.Headers[TokenHeader].ToString()) is { } tokenProblem)
        {
            Count(workspace, hook, static c => ref c.Responses401);
            await Reject(http, 401, "unauthorized", tokenProblem);
            return;
        }

        if (http.Request.ContentLength > RequestBody.MaxBytes)
        {
            Count(workspace, hook, static c => ref c.Responses413);
            await Reject(http, 413, "payload_too_large", $"the body is {http.Request.ContentLength} bytes; the limit is {RequestBody.MaxBytes} bytes per request");
            return;
        }

        if (!IsJson(http.Request.ContentType))
        {
            Count(workspace, hook, static c => ref c.Responses422);
            await Reject(http, 422, "unsupported_content_type", $"Content-Type must be application/json (got '{http.Request.ContentType}')");
            return;
        }

        using var body = await RequestBody.ReadAsync(http.Request.Body, http.RequestAborted);
        foreach (var counters in (ReadOnlySpan<Counters>)[totals, hook.Counters, hook.Table.Counters])
        {
            Interlocked.Add(ref counters.BytesReceived, body.Length);
        }

        if (body.TooLarge)
        {
            Count(workspace, hook, static c => ref c.Responses413);
            await Reject(http, 413, "payload_too_large", $"the body is over {RequestBody.MaxBytes} bytes (the limit per request)");
            return;
        }

        var records = new List<RecordSlice>(32);
        if (RecordParser.Parse(body.Span, records) is { } shapeProblem)
        {
            Count(workspace, hook, static c => ref c.Responses422);
            await Reject(http, 422, "unprocessable_body", shapeProblem);
            return;
        }

        if (fault.Force429)
        {
            Count(workspace, hook, static c => ref c.Responses429);
            await RejectRateLimited(http, fault.Force429RetryAfterSeconds, "an injected 429 storm from PUT /_sim/faults");
            return;
        }

        var current = settings.Current;
        var admitted = Admission.Admit(workspace, hook, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(records), body.Span, current);
        switch (admitted.Verdict)
        {
            case Verdict.WebhookGone:
                await Reject(http, 404, "webhook_not_found", "the webhook was deleted");
                return;
            case Verdict.RateLimited:
                await RejectRateLimited(http, admitted.RetryAfterSeconds, records.Count > workspace.Bucket.Capacity
                    ? $"this request holds {records.Count} records but the workspace bucket holds at most {workspace.Bucket.Capacity}: it can never be admitted, send smaller arrays"
                    : $"the workspace rate limit has no tokens for {records.Count} records; nothing was stored");
                return;
            case Verdict.WebhookCapReached:
                await Reject(http, 403, "webhook_cap_reached", $"this webhook has reached its lifetime cap of {hook.Cap} records; create a new webhook on the table");
                return;
            case Verdict.TableCapReached:
                await Reject(http, 403, "table_cap_reached", $"table '{hook.Table.Key}' has reached its cap of {hook.Table.RowCap} rows");
                return;
        }

        if (current.EnrichmentEnabled)
        {
            var generation = workspace.Generation;
            for (var i = 0; i < admitted.Accepted; i++)
            {
                var slice = records[i];
                var job = slice.HasJobId ? workspace.FindJob(slice.JobHash) : null;
                queue.Enqueue(new RowWork(hook.Table, body.Span.Slice(slice.Start, slice.Length).ToArray(), slice.RowHash, slice.HasRowId, generation, job));
            }
        }

        if (StoreThenFail.Fires(fault))
        {
            await StoreThenFail.AnswerAsync(http, fault, workspace, hook, admitted.Accepted, lifetime);
            return;
        }

        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(OkBody);
    }

    private static string? TokenProblem(SimWebhook hook, string presented)
    {
        var expected = hook.Token;
        if (expected is null)
        {
            return null;
        }

        if (presented.Length == 0)
        {
            return $"this webhook needs its token in the {TokenHeader} header";
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected))
            ? null
            : $"the {TokenHeader} token does not match this webhook's token (rotated?)";
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (string.Equals(media.MediaType, "application/json", StringComparison.OrdinalIgnoreCase)
            || (media.MediaType?.EndsWith("+json", StringComparison.OrdinalIgnoreCase) ?? false));

    private delegate ref long CounterField(Counters counters);

    private static void Count(ClayWorkspace workspace, SimWebhook hook, CounterField field)
    {
        Interlocked.Increment(ref field(workspace.Totals));
        Interlocked.Increment(ref field(hook.Counters));
        Interlocked.Increment(ref field(hook.Table.Counters));
    }

    private static Task RejectRateLimited(HttpContext http, int retryAfterSeconds, string detail)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, retryAfterSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Reject(http, 429, "rate_limited", detail);
    }

    public static Task Reject(HttpContext http, int status, string error, string detail)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new Rejection(error, detail));
    }
}

internal sealed record Rejection(string Error, string Detail);
