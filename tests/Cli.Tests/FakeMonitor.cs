using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClayBus.Contracts.Credits;
using ClayBus.Monitor.Budget;
using ClayBus.Monitor.Operations;
using ClayBus.Monitor.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClayBus.Cli.Tests;

/// <summary>
/// A Monitor on a free port answering the status and operator endpoints with the real Monitor's records (serialised
/// with the Monitor's JSON options), so the CLI reads exactly the shapes it will meet. Also takes the Submitter's
/// CSV upload, for the API key check of <c>claybus submit</c>.
/// </summary>
public sealed class FakeMonitor : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<Guid, JobSummary> _jobs = new();

    private FakeMonitor(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>The X-Api-Key header of every request, in order (null when absent).</summary>
    public ConcurrentQueue<string?> ApiKeys { get; } = new();

    public ConcurrentQueue<string> Requests { get; } = new();

    public BudgetReport Budget { get; set; } = Budgets.Ok();

    /// <summary>Answers 503 to everything, as a Monitor that is restarting behind a proxy.</summary>
    public bool Down { get; set; }

    /// <summary>Serve the job list a page of this many at a time (null: all at once).</summary>
    public int? PageSize { get; set; }

    public DeadLetterReport DeadLetters { get; set; } = new(true, 0, [], []);

    /// <summary>The answer to <c>POST /dead-letters/{queue}/requeue</c>.</summary>
    public Func<string, IResult> Requeue { get; set; } = queue => TypedResults.Ok(new RequeueResult(queue, queue[..^"_error".Length], 0, true, null));

    /// <summary>The answer to <c>POST /dead-letters/requeues</c>, given its JSON body.</summary>
    public Func<JsonElement, IResult> StartRequeue { get; set; } = body => TypedResults.Accepted(
        "/dead-letters/requeues/" + RequeueRuns.Id,
        RequeueRuns.Status(body.TryGetProperty("queue", out var queue) && queue.ValueKind == JsonValueKind.String ? queue.GetString()! : "deliver-batch_error", RequeueRunState.Running, 0));

    /// <summary>The answers to <c>GET /dead-letters/requeues/{runId}</c>, one per request; the last one repeats.</summary>
    public ConcurrentQueue<RequeueRunStatus> RequeueStates { get; } = new();

    /// <summary>The answer to <c>POST /jobs/{jobId}/cancel</c>, given the job and the body's reason.</summary>
    public Func<Guid, string?, IResult> Cancel { get; set; } = (jobId, reason) =>
        TypedResults.Accepted($"/status/jobs/{jobId}", new CancelRequested(jobId, "Delivering", "dev-only-local", reason, DateTimeOffset.UtcNow));

    /// <summary>The answer to <c>GET /budget/holds</c>.</summary>
    public List<TableHoldView> Holds { get; set; } = [];

    /// <summary>The answer to <c>DELETE /budget/holds/{table}</c>, given the table.</summary>
    public Func<string, IResult> ReleaseHold { get; set; } = table => TypedResults.Accepted("/budget/holds", new HoldReleaseRequested(table, "dev-only-local", DateTimeOffset.UtcNow));

    public void Put(JobSummary job) => _jobs[job.JobId] = job;

    public static async Task<FakeMonitor> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // As src/Monitor/Status/StatusSetup.cs configures it.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        var app = builder.Build();
        var fake = new FakeMonitor(app);
        app.Use(async (context, next) =>
        {
            fake.ApiKeys.Enqueue(context.Request.Headers.TryGetValue("X-Api-Key", out var key) ? key.ToString() : null);
            fake.Requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            if (fake.Down)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            await next(context);
        });
        app.MapGet("/status/jobs", (HttpResponse response, string? cursor) =>
        {
            var jobs = fake._jobs.Values.OrderByDescending(job => job.CreatedAt).ToList();
            if (fake.PageSize is not { } size)
            {
                return jobs;
            }

            // As the Monitor pages: an opaque cursor in X-Next-Cursor while more remain.
            var start = cursor is null ? 0 : int.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture);
            if (start + size < jobs.Count)
            {
                response.Headers["X-Next-Cursor"] = (start + size).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return jobs.Skip(start).Take(size).ToList();
        });
        app.MapGet("/status/jobs/{jobId:guid}", (Guid jobId) => fake._jobs.TryGetValue(jobId, out var job) ? Results.Ok(job) : Results.NotFound());
        app.MapGet("/status/budget", () => fake.Budget);
        app.MapGet("/status/dead-letters", () => fake.DeadLetters);
        app.MapPost("/dead-letters/{queue}/requeue", (string queue) => fake.Requeue(queue));
        app.MapPost("/dead-letters/requeues", async (HttpRequest request) => fake.StartRequeue(await JsonSerializer.DeserializeAsync<JsonElement>(request.Body)));
        app.MapGet("/dead-letters/requeues/{runId:guid}", (Guid runId) =>
        {
            var found = fake.RequeueStates.Count > 1 ? fake.RequeueStates.TryDequeue(out var next) : fake.RequeueStates.TryPeek(out next);
            return found && next!.RunId == runId ? Results.Ok(next) : Results.NotFound();
        });
        app.MapGet("/budget/holds", () => fake.Holds);
        app.MapDelete("/budget/holds/{table}", (string table) => fake.ReleaseHold(table));
        app.MapPost("/jobs/{jobId:guid}/cancel", async (Guid jobId, HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            return fake.Cancel(jobId, body.TryGetProperty("reason", out var reason) ? reason.GetString() : null);
        });
        app.MapPost("/jobs/csv", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
            return TypedResults.Accepted("/jobs/x", new { jobId = Guid.NewGuid(), admission = "accepted", rowsRead = lines, rowsAccepted = lines, tables = Array.Empty<object>(), rejected = Array.Empty<object>() });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        fake.Address = new Uri(address);
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Requeue runs as the Monitor's RequeueRunner saves them.</summary>
public static class RequeueRuns
{
    public static readonly Guid Id = Guid.Parse("0b9d2c4e-0000-4000-8000-00000000beef");

    public static RequeueRunStatus Status(string queue, RequeueRunState state, long moved, long kept = 0, string? reason = null, string? group = "ab12cd34")
    {
        var at = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        return new RequeueRunStatus(
            Id, queue, queue[..^"_error".Length], group, 10, 5, 30, state, moved, kept, 1, reason, "dev-only-local", at,
            state == RequeueRunState.Running ? null : at.AddSeconds(5), at);
    }
}

/// <summary>Budget reports as the Monitor's BudgetReporter builds them.</summary>
public static class Budgets
{
    public static readonly DateOnly Today = new(2026, 11, 23);

    public static BudgetReport Ok(decimal limit = 5_000m, decimal reserved = 300m, decimal spent = 1_200m, decimal? perHour = 900m, long? actionsLimit = null)
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var reset = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
        var ledger = new BudgetStatus(Today, "UTC", limit, reserved, spent, limit - reserved - spent, false, reset)
        {
            ActionsReserved = actionsLimit is null ? null : 20,
            ActionsSpent = actionsLimit is null ? null : 480,
            ActionsLimit = actionsLimit,
            ActionsRemaining = actionsLimit - 500,
        };
        var used = reserved + spent;
        var forecast = Forecast(perHour, used, limit, now, reset);
        var actions = actionsLimit is { } actionLimit ? Forecast(perHour / 10, 500m, actionLimit, now, reset) : null;
        return new BudgetReport(
            used / limit >= 0.8m ? "alert" : "ok",
            Today,
            "UTC",
            ledger,
            decimal.Round(used / limit, 4),
            forecast with { Text = ForecastWording.Of(forecast, "credits", limit, now, TimeZoneInfo.Utc) },
            BudgetDayView.Fresh(Today),
            ActionsForecast: actions is null ? null : actions with { Text = ForecastWording.Of(actions, "Actions", actionsLimit!.Value, now, TimeZoneInfo.Utc) });
    }

    private static ForecastReport Forecast(decimal? perHour, decimal used, decimal limit, DateTimeOffset now, DateTimeOffset reset)
    {
        var projected = used + ((perHour ?? 0) * 12);
        var reachedAt = perHour is > 0 && projected >= limit ? now + TimeSpan.FromHours((double)((limit - used) / perHour.Value)) : (DateTimeOffset?)null;
        var outlook = perHour is null ? ForecastOutlook.Unknown : reachedAt is null ? ForecastOutlook.NotToday : ForecastOutlook.Today;
        return new ForecastReport(perHour, outlook, reachedAt, reachedAt is null ? projected : limit, reset, 12, 15, [new BurnSample(now.AddMinutes(-10), used - 150), new BurnSample(now, used)], []);
    }

    public static BudgetReport Unknown() =>
        new("unknown", Today, "UTC", null, null, ForecastReport.None(15), BudgetDayView.Fresh(Today));
}
