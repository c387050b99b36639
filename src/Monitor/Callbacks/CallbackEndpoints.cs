using System.Security.Cryptography;
using System.Text;
using ClayBus.Monitor.Jobs;
using ClayBus.Monitor.Metrics;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Callbacks;

/// <summary>
/// <c>POST /clay/callbacks/{table}</c>: Clay's HTTP API column calls it once per row (or twice, or late, or never).
/// Answers quickly: one Redis call, and one publish for a row's first callback.
/// </summary>
public static partial class CallbackEndpoints
{
    public static IEndpointRouteBuilder MapCallbacks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/clay/callbacks/{table}", Receive).AddEndpointFilter(AnswerRetryWhileRedisRefuses);
        return endpoints;
    }

    /// <summary>
    /// While Redis refuses (a failover, a restart, a full Redis) the callback cannot be made durable: 503 tells Clay to
    /// retry, where a 500 would read as our bug. Whatever part was recorded makes the retry a duplicate, settled once.
    /// </summary>
    public static async ValueTask<object?> AnswerRetryWhileRedisRefuses(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception exception) when (RedisRefusal.Classify(exception) is var refusal && refusal != RedisRefusalKind.None)
        {
            context.HttpContext.RequestServices.GetService<MonitorMetrics>()?.CallbackReceived("redis_unavailable");
            return Results.Problem(statusCode: 503, title: "Redis unavailable", detail: $"callbacks cannot be recorded right now (Redis {refusal}): retry");
        }
    }

    /// <summary>
    /// <c>GET /status/callbacks</c>, behind an API key (the receiver itself is not): refused callbacks over every
    /// Monitor. Forged ones mean someone holds the secret; rejected amounts, a misconfigured column.
    /// </summary>
    public static IEndpointRouteBuilder MapCallbackStatus(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/status/callbacks", async (CallbackStore ledger) => Results.Ok(new CallbackStatus(await ledger.Refused())))
            .RequireAuthorization(ApiRoles.Read);
        return endpoints;
    }

    private static async Task<IResult> Receive(
        string table,
        HttpContext http,
        IOptionsMonitor<CallbackOptions> options,
        IOptions<JobTrackingOptions> tracking,
        CallbackStore ledger,
        RedisKeyspace redis,
        JobProgressSignal progress,
        CallbackPublishing publisher,
        MonitorMetrics metrics,
        TimeProvider clock,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(CallbackEndpoints));
        // Read per request: a rotated secret (mounted secret file, watched) takes effect without a restart.
        CallbackOptions callbacks;
        try
        {
            callbacks = options.CurrentValue;
        }
        catch (OptionsValidationException exception)
        {
            // A broken rotation must neither open the door nor blame the caller: 503, and an error for the operators.
            LogInvalidCallbacks(logger, string.Join("; ", exception.Failures));
            return Results.Problem(statusCode: 503, title: "Callbacks not configured", detail: "the Monitor's callback configuration is not valid right now: retry later");
        }
        if (!IsAuthorized(http.Request.Headers[CallbackOptions.SecretHeader].ToString(), callbacks.Secrets))
        {
            metrics.CallbackReceived("unauthorized");
            return Results.Problem(statusCode: 401, title: "Unauthorized", detail: $"header {CallbackOptions.SecretHeader} is missing or not a current secret");
        }

        var body = await ReadBounded(http.Request, callbacks.MaxBodyBytes, http.RequestAborted);
        if (body is null)
        {
            metrics.CallbackReceived("too_large");
            return Results.Problem(statusCode: 413, title: "Payload too large", detail: $"a callback body may be at most {callbacks.MaxBodyBytes} bytes (Callbacks:MaxBodyBytes)");
        }

        if (!ClayCallback.TryParse(body.Value, out var callback, out var reason))
        {
            metrics.CallbackReceived("malformed");
            return Results.Problem(statusCode: 400, title: "Malformed callback", detail: reason);
        }

        if (new CallbackVerdict(callbacks).OfAmounts(callback!) is var amounts && amounts != CallbackVerdictKind.Settle)
        {
            await ledger.CountRefused(CallbackVerdict.Outcome(amounts));
            CallbackRefusals.Report(logger, metrics, amounts, callback!, table);
            return Results.Ok();
        }

        using var span = CallbackTracing.Start(callback!, table);
        var now = clock.GetUtcNow();
        var named = callback!.JobId;
        var writes = redis.MarkWrites();
        var recording = await ledger.Record(callback, named, table, now);
        if (recording.Record == CallbackRecord.JobFromDelivery)
        {
            named = recording.DeliveredJob;
            recording = await ledger.Record(callback, named, table, now);
        }

        var jobId = named ?? Guid.Empty;
        if (recording.Record is not CallbackRecord.Duplicate && !await redis.ReplicatedAsync(writes))
        {
            // Clay is told 200 only once a replica holds the row's mark and the job's counters: a failover now would
            // lose them and Clay would not call again. A 503 makes Clay retry; the retry is a duplicate if it survived.
            metrics.CallbackReceived("not_replicated");
            return Results.Problem(statusCode: 503, title: "Not yet durable", detail: "no Redis replica acknowledged the callback: retry");
        }

        switch (recording.Record)
        {
            case CallbackRecord.UnknownRow or CallbackRecord.UnknownRowAgain or CallbackRecord.JobFromDelivery:
                metrics.CallbackReceived("unknown_row");
                if (recording.Record == CallbackRecord.UnknownRow)
                {
                    LogUnknownRow(logger, callback.RowId, callback.JobId?.ToString() ?? "none", table);
                }

                return Results.Accepted();
            case CallbackRecord.Duplicate:
                metrics.CallbackReceived("duplicate");
                metrics.CallbackDuplicate();
                return Results.Ok();
            case CallbackRecord.ForgedOtherJob or CallbackRecord.ForgedOtherTable:
                CallbackRefusals.Report(logger, metrics, CallbackRefusals.Verdict(recording.Record)!.Value, callback, table);
                return Results.Ok();
        }

        // New, or a duplicate whose first attempt could not publish: the row event goes out (again), as first settled.
        if (!await publisher.TryPublishAsync(RowOutcomes.ToEvent(recording.Settled ?? callback, jobId, table, now), http.RequestAborted))
        {
            metrics.CallbackReceived("broker_unavailable");
            return Results.Problem(statusCode: 503, title: "Broker unavailable", detail: "the callback is recorded but could not be passed on yet: retry");
        }

        await ledger.MarkPublished(callback, jobId);
        if (recording.Record == CallbackRecord.New)
        {
            metrics.CallbackReceived(callback.Status);
            Count(metrics, callback);
            if (recording.PendingRows >= tracking.Value.ProgressEveryRows)
            {
                progress.Wake();
            }
        }
        else
        {
            metrics.CallbackReceived("duplicate");
            metrics.CallbackDuplicate();
        }

        return Results.Ok();
    }

    public static void Count(MonitorMetrics metrics, ClayCallback callback)
    {
        if (callback.Status == ClayCallback.Enriched)
        {
            metrics.RowEnriched(callback.DataCredits);
        }
        else
        {
            metrics.RowFailed(callback.Status, callback.DataCredits);
        }
    }

    /// <summary>Constant time per candidate, and every candidate is compared, so timing tells nothing about which matched.</summary>
    private static bool IsAuthorized(string presented, IReadOnlyList<string> secrets)
    {
        var given = Encoding.UTF8.GetBytes(presented);
        var matched = false;
        foreach (var secret in secrets)
        {
            matched |= CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(secret));
        }

        return presented.Length > 0 && matched;
    }

    /// <returns>The body, or <c>null</c> when it is longer than <paramref name="limit"/>.</returns>
    private static async Task<ReadOnlyMemory<byte>?> ReadBounded(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    [LoggerMessage(LogLevel.Error, "The Callbacks configuration changed to something not valid; callbacks get 503 until it is fixed: {Failures}")]
    private static partial void LogInvalidCallbacks(ILogger logger, string failures);

    // Information, once per parked row (a repeat replaces the parked callback silently): a callback column that sends
    // wrong row ids shows up here and nowhere else. A fast Clay overtaking BatchDelivered logs it too, then settles.
    [LoggerMessage(LogLevel.Information, "Callback for row {RowId} of job {JobId} (table {TableKey}) before any known delivery of it: parked until its BatchDelivered arrives; if that never comes, check the table's callback column (claybus_row_id)")]
    private static partial void LogUnknownRow(ILogger logger, string rowId, string jobId, string tableKey);
}

/// <summary><c>GET /status/callbacks</c>: callbacks answered 2xx that settled nothing, by outcome.</summary>
public sealed record CallbackStatus(IReadOnlyDictionary<string, long> Refused);
