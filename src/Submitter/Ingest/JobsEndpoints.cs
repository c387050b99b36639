using System.Text;
using ClayBus.ServiceDefaults.Security;
using ClayBus.Submitter.Admission;
using ClayBus.Submitter.Routing;
using MassTransit;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ClayBus.Submitter.Ingest;

/// <summary>
/// <c>POST /jobs</c> (JSON rows and options) and <c>POST /jobs/csv</c> (a streamed CSV, options in the query).
/// Both answer 202 only once every published batch is confirmed by the broker (200 for a dry run); bad input gets a
/// problem body naming the field and the fix, never a 500.
/// </summary>
public static class JobsEndpoints
{
    private static readonly string[] CsvTypes = ["text/csv", "application/csv", "text/plain", "application/vnd.ms-excel", "application/octet-stream"];

    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/jobs", SubmitJsonAsync).RequireAuthorization(ApiRoles.Submit);
        endpoints.MapPost("/jobs/csv", SubmitCsvAsync).RequireAuthorization(ApiRoles.Submit);
        return endpoints;
    }

    private static async Task<IResult> SubmitJsonAsync(HttpContext http, JobPipeline pipeline, TableRouter router, IPublishEndpoint publish, IOptions<IngestOptions> ingest)
    {
        if (!http.Request.HasJsonContentType())
        {
            return Problems.Of(415, "content type", $"'{http.Request.ContentType}' is not JSON: send Content-Type: application/json (or POST a CSV file to /jobs/csv)");
        }

        if (LimitBody(http, ingest.Value.MaxJsonBytes, "Ingest:MaxJsonBytes") is { } tooLarge)
        {
            return tooLarge;
        }

        JsonBody body;
        var maxRows = ingest.Value.MaxJsonRows;
        try
        {
            // Spooled to a temporary file and checked whole (UTF-8, JSON, shape, row count) before any row is used:
            // a body that breaks half-way is refused with nothing published, and memory stays a few buffers.
            body = await JsonBody.ReadAsync(http.Request.Body, maxRows, Path.GetTempPath(), http.RequestAborted);
        }
        catch (DecoderFallbackException)
        {
            return Problems.Of(400, "body", "is not valid UTF-8: send the JSON encoded as UTF-8");
        }
        catch (JsonBodyException exception)
        {
            return Problems.Of(400, exception.Path, $"is not valid here (line {exception.Line + 1}): {FirstSentence(exception.Message)} Expected {{\"rows\":[{{\"email\":\"ana@acme.com\"}}],\"table\":\"auto\",\"priority\":\"normal\"}}");
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.Of(413, "body", $"is larger than {ingest.Value.MaxJsonBytes:N0} bytes (Ingest:MaxJsonBytes): split the rows into several jobs or upload a CSV to /jobs/csv");
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            return Problems.Of(408, "body", "arrived more slowly than the minimum rate (Ingest:MinBodyBytesPerSecond) and was cut off: nothing was published; send it again from a faster link");
        }

        await using (body)
        {
            var scan = body.Scan;
            if (scan.TooManyRows)
            {
                return Problems.Of(413, "rows", $"has more than {maxRows:N0} rows, the limit (Ingest:MaxJsonRows): nothing was published; split the rows into jobs of at most {maxRows:N0}, or upload a CSV to /jobs/csv");
            }

            if (scan.IsNull || scan.Rows == 0)
            {
                return Problems.Of(422, "rows", "is missing or empty: send at least one row, e.g. {\"rows\":[{\"email\":\"ana@acme.com\"}]}");
            }

            var key = scan.IdempotencyKey ?? http.Request.Headers["Idempotency-Key"].FirstOrDefault();
            var (request, problems) = JobRequest.From(scan.Table, scan.Priority, key, scan.DryRun, scan.Source ?? "http", router);
            if (request is null)
            {
                return Problems.Of(422, problems);
            }

            return await RunAsync(pipeline, body.RowsAsync(http.RequestAborted), request with { SubmittedBy = http.User.Identity?.Name, BodyHash = body.Hash }, publish, http);
        }
    }

    private static async Task<IResult> SubmitCsvAsync(HttpContext http, JobPipeline pipeline, TableRouter router, IPublishEndpoint publish, IOptions<IngestOptions> ingest)
    {
        var contentType = http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (contentType is null || !CsvTypes.Contains(contentType))
        {
            return Problems.Of(415, "content type", $"'{http.Request.ContentType}' is not a CSV upload: send the file as the body with Content-Type: text/csv (curl --data-binary @leads.csv -H 'Content-Type: text/csv')");
        }

        if (LimitBody(http, ingest.Value.MaxCsvBytes, "Ingest:MaxCsvBytes") is { } tooLarge)
        {
            return tooLarge;
        }

        var query = http.Request.Query;
        var dryRunText = query["dryRun"].FirstOrDefault();
        var dryRun = false;
        if (dryRunText is not null && !bool.TryParse(dryRunText, out dryRun))
        {
            return Problems.Of(422, "dryRun", $"'{dryRunText}' is not true or false");
        }

        var key = query["idempotencyKey"].FirstOrDefault() ?? http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        var (request, problems) = JobRequest.From(query["table"].FirstOrDefault(), query["priority"].FirstOrDefault(), key, dryRun, query["source"].FirstOrDefault() ?? "csv", router);
        if (request is null)
        {
            return Problems.Of(422, problems);
        }

        request = request with { SubmittedBy = http.User.Identity?.Name, FileName = CsvFileName(http.Request) };
        if (request.Claim is null)
        {
            return await RunAsync(pipeline, CsvRows.ReadAsync(http.Request.Body, ingest.Value.MaxCsvFieldBytes, ingest.Value.MaxCsvRows, http.RequestAborted), request, publish, http);
        }

        // Under a key the body is hashed whole first, so the same key with another file is refused before any row is used.
        CsvBody body;
        try
        {
            body = await CsvBody.SpoolAsync(http.Request.Body, Path.GetTempPath(), http.RequestAborted);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.Of(413, "file", $"is larger than the upload limit {ingest.Value.MaxCsvBytes:N0} bytes (Ingest:MaxCsvBytes): nothing was published; split it into several files");
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            return Problems.Of(408, "file", "arrived more slowly than the minimum rate (Ingest:MinBodyBytesPerSecond) and was cut off: nothing was published; upload from a faster link or in smaller files");
        }

        await using (body)
        {
            return await RunAsync(pipeline, CsvRows.ReadAsync(body.File, ingest.Value.MaxCsvFieldBytes, ingest.Value.MaxCsvRows, http.RequestAborted), request with { BodyHash = body.Hash }, publish, http);
        }
    }

    // For lineage only: the query's fileName, else the Content-Disposition's; capped so a row's batch stays small.
    private static string? CsvFileName(HttpRequest request)
    {
        var name = request.Query["fileName"].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(name) && ContentDispositionHeaderValue.TryParse(request.Headers.ContentDisposition.ToString(), out var disposition))
        {
            name = (disposition.FileNameStar.Value ?? disposition.FileName.Value)?.Trim('"');
        }

        return string.IsNullOrWhiteSpace(name) ? null : Path.GetFileName(name.Trim()) is { Length: > 200 } longName ? longName[..200] : Path.GetFileName(name.Trim());
    }

    private static async Task<IResult> RunAsync(JobPipeline pipeline, IAsyncEnumerable<InputRow> rows, JobRequest request, IPublishEndpoint publish, HttpContext http)
    {
        JobReport report;
        try
        {
            report = await pipeline.RunAsync(rows, request, publish, http.RequestAborted);
        }
        catch (InputException exception)
        {
            return Problems.Of(exception.Status, exception.Field, exception.Message);
        }
        catch (IdempotencyConflictException exception)
        {
            return Problems.Of(409, "idempotencyKey", exception.Message, new Dictionary<string, object?> { ["idempotencyKey"] = exception.Key });
        }
        catch (JobRunningException exception)
        {
            return Problems.Of(409, "idempotencyKey", $"a job with this key is still running ({exception.JobId}): wait for its answer, then resubmit to get its report (if its Submitter crashed, the key is free again within Dedupe:RunningLeaseSeconds)", new Dictionary<string, object?> { ["jobId"] = exception.JobId });
        }
        catch (HeldBatchesFullException exception)
        {
            return Problems.Of(503, "budget", exception.Message, new Dictionary<string, object?> { ["maxHeldBatches"] = exception.Cap });
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            http.RequestServices.GetRequiredService<ILogger<JobPipeline>>().LogError(exception, "Job could not be submitted");
            return Problems.Of(503, "broker", "the job could not be confirmed by the broker or Redis: nothing is reported as accepted; retry with the same idempotency key (rows already sent are skipped)");
        }

        if (report.Aborted is { } aborted)
        {
            return Problems.Of(report.AbortedStatus ?? 422, aborted.Field, aborted.Detail, new Dictionary<string, object?> { ["jobId"] = report.JobId, ["report"] = report });
        }

        if (report.Admission == "rejected")
        {
            return Problems.Of(422, "budget", $"the job needs about {report.CreditsRefused + report.EstimatedCredits:N0} credits but today's remaining budget is {report.BudgetRemaining:N0} ({report.BudgetSource}) and Admission:Policy is reject: nothing was published; resubmit after the budget reset, or send fewer rows", new Dictionary<string, object?> { ["jobId"] = report.JobId, ["report"] = report });
        }

        return Results.Json(report, statusCode: report.DryRun || report.Duplicate ? StatusCodes.Status200OK : StatusCodes.Status202Accepted);
    }

    private static IResult? LimitBody(HttpContext http, long limit, string setting)
    {
        if (http.Request.ContentLength > limit)
        {
            return Problems.Of(413, "body", $"is {http.Request.ContentLength:N0} bytes; the limit is {limit:N0} ({setting}): split it into several jobs");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        return null;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
