using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClayBus.EndToEnd.Tests.Faults;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;
using ClayBus.Testing.Browser;

namespace ClayBus.EndToEnd.Tests.Paths;

/// <summary>
/// Issue 20: the dashboard driven in headless Chromium as an operator uses it. A read key is typed in and shows a
/// job's per-table progress and its dead-letter group, without a requeue control; an operate key then requeues the
/// group through the paced requeue, and the page shows the job reopened and finished. The pictures before and after
/// the click are docs/images/dashboard-requeue.png and dashboard-requeued.png.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DashboardBrowserSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private const string Table = "outbound-leads-tech";
    private const double WebhooksBackSeconds = 1;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private static readonly string[] Finished = ["completed", "completedWithFailures"];

    [Fact]
    public async Task Should_show_progress_and_dead_letters_to_a_read_key_and_requeue_them_with_an_operate_key()
    {
        var viewerKey = "e2e-viewer-" + Guid.NewGuid().ToString("N");
        var services = new Dictionary<string, string?>
        {
            ["Security__ApiKeys__e2e-viewer__Hash"] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(viewerKey))),
            ["Security__ApiKeys__e2e-viewer__Roles__0"] = "read",
        };
        await using var pipeline = await Pipeline.StartAsync(infrastructure, Measure.Settings(services));
        try
        {
            var (jobId, rows) = await DeadLetterAJobAsync(pipeline);
            await Eventually.Until(
                async () => (await pipeline.MonitorHttp.GetFromJsonAsync<JsonElement>("status/dead-letters")).GetProperty("groups").GetArrayLength() > 0,
                Deadline,
                "the Monitor to list the dead-letter group");

            await using var browser = await HeadlessChromium.StartAsync();
            await browser.NavigateAsync(new Uri(pipeline.Monitor.BaseAddress, "dashboard"));
            await EnterKeyAsync(browser, viewerKey);

            var jobRow = $"document.querySelector('[data-job=\"{jobId}\"]')?.closest('tr')";
            var tableCell = $"{jobRow}?.querySelector('.table-progress[data-table=\"{Table}\"]')?.textContent || ''";
            await browser.WaitForAsync($"({tableCell}).includes('{rows} dead-lettered')", Deadline, "the job's per-table progress with its dead letters");
            await browser.WaitForAsync("document.querySelector('#dead-letters-body code') && document.body.dataset.loaded === 'true'", Deadline, "the dead-letter group");
            Assert.Contains("deliver-batch_error", (await browser.EvaluateAsync("document.getElementById('dead-letters-body').textContent")).GetString(), StringComparison.Ordinal);
            Assert.Equal(0, (await browser.EvaluateAsync("document.querySelectorAll('button.requeue').length")).GetInt32());

            // An operator signs in with an operate key: the page offers the requeue.
            await browser.EvaluateAsync("sessionStorage.clear(); location.reload(); true");
            await EnterKeyAsync(browser, Pipeline.DevApiKey);
            await browser.WaitForAsync("document.querySelector('button.requeue')", Deadline, "the requeue control for an operate key");
            await browser.ScreenshotAsync(Picture("dashboard-requeue.png"));
            await browser.ClickAsync("button.requeue");
            await browser.WaitForAsync("document.getElementById('requeue-result')?.textContent.startsWith('Requeue run')", Deadline, "the requeue run to start");

            var state = $"{jobRow}?.querySelector('.job-state')?.textContent || ''";
            await browser.WaitForAsync($"/^completed.*reopened 1×/.test({state}) && !({tableCell}).includes('dead-lettered')", Deadline, "the job to reopen and finish on the page");
            await browser.WaitForAsync($"({tableCell}).startsWith('{Table} {rows} / {rows}')", Deadline, "every row of the table called back");
            await browser.WaitForAsync("/: completed, 1 moved/.test(document.getElementById('requeue-result')?.textContent || '')", Deadline, "the requeue run to complete on the page");
            await browser.WaitForAsync("document.getElementById('dlq-total').textContent === '0'", Deadline, "the dead-letter queue to read empty");
            await browser.ScreenshotAsync(Picture("dashboard-requeued.png"));

            // What the page said, against the ground truth: the requeued rows reached Clay once each.
            var job = await pipeline.WaitForJobAsync(jobId, Deadline, Finished);
            Assert.Equal(1, job.GetProperty("reopens").GetInt32());
            Assert.Equal(rows, await ClayTables.DistinctAsync(pipeline, Table));
            Assert.Equal(0, (await pipeline.CountersAsync()).GetProperty("totals").GetProperty("duplicateRowIds").GetInt64());
        }
        finally
        {
            await pipeline.SaveOutputAsync("dashboard-browser");
        }
    }

    /// <summary>The pictures docs/operations.md shows, rewritten by every run.</summary>
    private static string Picture(string name) => Path.Combine(ServiceProcess.RepositoryRoot, "docs", "images", name);

    private static async Task EnterKeyAsync(HeadlessChromium browser, string key)
    {
        await browser.WaitForAsync("document.readyState === 'complete' && !document.getElementById('key-form').hidden", Deadline, "the page to ask for a key");
        await browser.TypeAsync("#key-input", key);
        await browser.ClickAsync("#key-form button[type=submit]");
        await browser.WaitForAsync("document.body.dataset.loaded === 'true'", Deadline, "the dashboard to load with the key");
    }

    /// <summary>
    /// Deletes the table's webhooks for long enough that a slow machine still dead-letters the job's batch there (404
    /// is poison), then brings them back by replacing the time box with a short one, as an operator restores them.
    /// </summary>
    private static async Task<(Guid JobId, int Rows)> DeadLetterAJobAsync(Pipeline pipeline)
    {
        var view = await ClayTables.ViewAsync(pipeline, Table);
        var webhooks = view.GetProperty("webhooks").EnumerateArray()
            .Where(w => !w.GetProperty("deleted").GetBoolean())
            .Select(w => w.GetProperty("id").GetString()!)
            .ToList();
        await DeleteWebhooksAsync(pipeline, webhooks, forSeconds: 300);

        var leads = LeadFile.Create(80, "dashboard-browser", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        var jobId = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();
        var job = await pipeline.WaitForJobAsync(jobId, Deadline, Finished);
        Assert.Equal(leads.ExpectedPerTable[Table], job.GetProperty("rowsDeadLettered").GetInt32());

        var answersAgainAt = DateTimeOffset.UtcNow.AddSeconds(WebhooksBackSeconds + 0.5);
        await DeleteWebhooksAsync(pipeline, webhooks, forSeconds: WebhooksBackSeconds);
        await Eventually.Until(() => DateTimeOffset.UtcNow >= answersAgainAt, TimeSpan.FromSeconds(WebhooksBackSeconds + 5), "the deleted webhooks to answer again");
        return (jobId, leads.ExpectedPerTable[Table]);
    }

    /// <summary>A time-boxed deletion; a later one replaces the earlier box (ClaySim's admin API).</summary>
    private static async Task DeleteWebhooksAsync(Pipeline pipeline, IEnumerable<string> webhooks, double forSeconds)
    {
        foreach (var webhook in webhooks)
        {
            using var deleted = await pipeline.ClaySimHttp.DeleteAsync(new Uri(FormattableString.Invariant($"_sim/webhooks/{webhook}?forSeconds={forSeconds}"), UriKind.Relative));
            deleted.EnsureSuccessStatusCode();
        }
    }
}
