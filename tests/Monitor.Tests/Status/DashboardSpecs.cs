using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.Contracts.Credits;
using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Tracking;
using ClayBus.Testing;
using ClayBus.Testing.Security;

namespace ClayBus.Monitor.Tests.Status;

/// <summary>
/// The dashboard in a real headless browser (Debian's chromium, installed by scripts/prerequisites.sh) against a
/// running Monitor with real data: the page must render what the status API holds after its scripts ran.
/// </summary>
[Trait("Category", "Integration")]
public class DashboardSpecs(MonitorFixture monitor) : IClassFixture<MonitorFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Should_render_budget_providers_webhooks_dead_letters_and_paused_enrichers_in_a_browser()
    {
        var now = DateTimeOffset.UtcNow;
        monitor.Ledger = new BudgetStatus(DateOnly.FromDateTime(now.UtcDateTime), "UTC", 5_000m, 600m, 3_500m, 900m, false, new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero), ActionsReserved: 40, ActionsSpent: 1_160, ActionsLimit: 2_000, ActionsRemaining: 800);
        await monitor.Enricher.Publish(new BudgetAnomaly("dashboard-pricey", "zoominfo", "data_credits", 9m, 4m, Guid.NewGuid(), "row-9", now));
        await monitor.Enricher.Publish(new BatchDelivered(Guid.NewGuid(), Guid.NewGuid(), "dashboard-table", ["a", "b"], [], "…f00d42", 42_000, 50_000, 5m, now));
        var outcomes = new List<ProviderOutcome> { new("apollo", ProviderResult.Hit, 2m), new("clearbit", ProviderResult.Skipped, 0m) };
        await monitor.Enricher.Publish(new RowEnriched(Guid.NewGuid(), "row-1", "dashboard-table", "apollo", outcomes, 2m, 2, now));
        await monitor.DeadLetterAsync("deliver-batch", "ClayBus.ClayRejected", "Clay answered 422", 2);
        await monitor.Enricher.Publish(new DeliveryPaused("enricher-host/77", PauseReason.ClayUnavailable, "Clay failed 5 requests in a row", now, now.AddMinutes(1)));
        using (var http = new HttpClient { BaseAddress = monitor.BaseAddress })
        {
            http.DefaultRequestHeaders.Add(TestKeys.Header, TestKeys.Development);
            await Eventually.Until(
                async () => (await http.GetStringAsync("status/webhooks")).Contains("dashboard-table", StringComparison.Ordinal)
                    && (await http.GetStringAsync("status/providers")).Contains("apollo", StringComparison.Ordinal)
                    && (await http.GetStringAsync("status/enrichers")).Contains("enricher-host/77", StringComparison.Ordinal)
                    && (await http.GetStringAsync("status/budget")).Contains("dashboard-pricey", StringComparison.Ordinal),
                TimeSpan.FromSeconds(30),
                "the events to reach the status API");

            // The management API refreshes queue depths every few seconds: until it does, the page rightly says none.
            await Eventually.Until(
                async () => (await http.GetFromJsonAsync<JsonElement>("status/dead-letters")).GetProperty("total").GetInt64() >= 2,
                TimeSpan.FromSeconds(30),
                "the management API to count the dead letters");
        }

        // The key travels in the fragment, which the browser never sends: the page keeps it in sessionStorage.
        var dom = await RunChromium("--dump-dom", new Uri(monitor.BaseAddress, "dashboard#key=" + TestKeys.Development));

        Assert.Contains("data-loaded=\"true\"", dom, StringComparison.Ordinal);
        Assert.Contains("<b id=\"budget-used\">4,100</b>", dom, StringComparison.Ordinal);
        Assert.Contains("alert", dom, StringComparison.Ordinal);
        Assert.Contains("dashboard-table", dom, StringComparison.Ordinal);
        Assert.Contains("apollo", dom, StringComparison.Ordinal);
        Assert.Contains("deliver-batch_error", dom, StringComparison.Ordinal);
        Assert.Contains("Clay answered 422", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("answered 500", dom, StringComparison.Ordinal);
        Assert.Contains("<code>enricher-host/77</code>", dom, StringComparison.Ordinal);
        Assert.Contains("clayUnavailable", dom, StringComparison.Ordinal);
        Assert.Contains("Clay failed 5 requests in a row", dom, StringComparison.Ordinal);
        Assert.Contains("1 paused", dom, StringComparison.Ordinal);

        // Both meters' forecasts in the Monitor's words, and the charge above the price list in the budget panel.
        Assert.Matches("<p id=\"budget-forecast\" class=\"muted\">Forecast: [^<]+</p>", dom);
        Assert.Matches("<p id=\"budget-actions-forecast\" class=\"muted\">Actions forecast: [^<]+</p>", dom);
        Assert.Contains("id=\"actions-forecast-used\"", dom, StringComparison.Ordinal);
        Assert.Contains("Charged above the price list", dom, StringComparison.Ordinal);
        Assert.Contains("<code>dashboard-pricey</code>", dom, StringComparison.Ordinal);
        Assert.Contains("9 data credits charged, 4 reserved (zoominfo)", dom, StringComparison.Ordinal);

        // CLAYBUS_DASHBOARD_SCREENSHOT=/path.png keeps a picture for a person to look at.
        if (Environment.GetEnvironmentVariable("CLAYBUS_DASHBOARD_SCREENSHOT") is { Length: > 0 } screenshot)
        {
            await RunChromium("--screenshot=" + screenshot, new Uri(monitor.BaseAddress, "dashboard#key=" + TestKeys.Development));
        }
    }

    private static async Task<string> RunChromium(string action, Uri page)
    {
        Assert.True(File.Exists(Chromium), Chromium + " is missing: run scripts/prerequisites.sh (Debian's chromium package)");
        var profile = Directory.CreateTempSubdirectory("claybus-chromium-");
        try
        {
            var info = new ProcessStartInfo(Chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile.FullName, "--window-size=1280,1100", "--virtual-time-budget=8000",
                action, page.ToString(),
            })
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {await errors}");
            return await output;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
