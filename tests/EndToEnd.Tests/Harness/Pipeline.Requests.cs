using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Harness;

/// <summary>What a test asks the running services: submit a CSV, read a job, read or steer ClaySim.</summary>
public sealed partial class Pipeline
{
    /// <summary>Streams a CSV to <c>POST /jobs/csv</c> and returns the 202's job report.</summary>
    public async Task<JsonElement> SubmitCsvAsync(string csv, string? idempotencyKey = null)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        var path = idempotencyKey is null ? "jobs/csv" : $"jobs/csv?idempotencyKey={Uri.EscapeDataString(idempotencyKey)}";
        using var response = await SubmitterHttp.PostAsync(path, content);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST /jobs/csv answered {(int)response.StatusCode}: {body}");
        }

        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Records Clay holds once each: what reached Clay, whatever was sent twice.</summary>
    public async Task<long> DistinctAtClayAsync()
    {
        var totals = (await CountersAsync()).GetProperty("totals");
        return totals.GetProperty("recordsAccepted").GetInt64() - totals.GetProperty("duplicateRowIds").GetInt64();
    }

    public async Task<JsonElement> CountersAsync() =>
        await ClaySimHttp.GetFromJsonAsync<JsonElement>("_sim/counters");

    public async Task PutClaySimAsync(string path, object body)
    {
        using var response = await ClaySimHttp.PutAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
    }

    public async Task PostClaySimAsync(string path, object body)
    {
        using var response = await ClaySimHttp.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
    }

    public async Task<JsonElement?> JobAsync(Guid jobId)
    {
        using var response = await MonitorHttp.GetAsync($"status/jobs/{jobId}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    /// <summary>Waits until the job saga reaches one of <paramref name="phases"/> and returns the job's status.</summary>
    public async Task<JsonElement> WaitForJobAsync(Guid jobId, TimeSpan deadline, params string[] phases)
    {
        try
        {
            var job = await Eventually.Value(
                () => JobAsync(jobId),
                status => status is { } s && phases.Contains(s.GetProperty("phase").GetString(), StringComparer.OrdinalIgnoreCase),
                deadline,
                $"job {jobId} to reach {string.Join(" or ", phases)}");
            return job!.Value;
        }
        catch (TimeoutException timeout)
        {
            // What the saga and Clay saw is what a reader of the failure needs first.
            var last = await JobAsync(jobId);
            var counters = await CountersAsync();
            throw new TimeoutException(
                $"{timeout.Message}{Environment.NewLine}job: {last?.ToString() ?? "(none)"}{Environment.NewLine}claysim totals: {counters.GetProperty("totals")}, pending {counters.GetProperty("pendingEnrichment")}",
                timeout);
        }
    }
}
