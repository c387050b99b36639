using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.Contracts.Credits;
using ClayBus.Submitter.Planning;
using ClayBus.Testing;
using ClayBus.Testing.Security;

namespace ClayBus.Cli.Tests.Integration;

/// <summary><c>claybus status</c> and <c>claybus plan</c> against a real Monitor and Submitter, not a fake.</summary>
[Trait("Category", "Integration")]
public sealed class CliAgainstServicesSpecs(ServicesFixture services) : IClassFixture<ServicesFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Status_should_print_the_monitors_own_forecast_and_say_not_today_once_nothing_is_pending()
    {
        // The demo's end: the ledger has spent, nothing is reserved, no job is open.
        var now = DateTimeOffset.UtcNow;
        services.Ledger = new BudgetStatus(
            DateOnly.FromDateTime(now.UtcDateTime), "UTC", 5_000m, 0m, 1_234m, 3_766m, false, new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero))
        {
            ActionsReserved = 0,
            ActionsSpent = 400,
            ActionsLimit = 2_000,
            ActionsRemaining = 1_600,
        };
        using var http = new HttpClient { BaseAddress = services.Monitor.BaseAddress };
        http.DefaultRequestHeaders.Add(TestKeys.Header, TestKeys.Development);
        var budget = default(JsonElement);
        // The stand-in ledger's queue binds once its bus is up: until then the Monitor rightly says "unknown".
        await Eventually.Until(
            async () => (budget = await http.GetFromJsonAsync<JsonElement>("status/budget")).GetProperty("state").GetString() != "unknown",
            TimeSpan.FromSeconds(30),
            "the Monitor to read the ledger");
        var cli = new CliRun();

        var exit = await cli.RunAsync("status", "--monitor", services.Monitor.BaseAddress.ToString());

        Assert.Equal(0, exit);
        Assert.Contains(budget.GetProperty("forecast").GetProperty("text").GetString()!, cli.Output, StringComparison.Ordinal);
        Assert.Contains(budget.GetProperty("actionsForecast").GetProperty("text").GetString()!, cli.Output, StringComparison.Ordinal);
        Assert.Contains("Forecast: 0 credits/h, limit reached: not today (1,234 of 5,000 by the reset at tomorrow 00:00 UTC)", cli.Output, StringComparison.Ordinal);
        Assert.Contains("Actions forecast: 0 Actions/h, limit reached: not today (400 of 2,000 by the reset at tomorrow 00:00 UTC)", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_should_use_the_submitters_workspace_rate_and_name_each_tier()
    {
        var json = new CliRun();
        var text = new CliRun();

        var jsonExit = await json.RunAsync("plan", "--monthly-leads", "90000", "--submitter", services.Submitter.BaseAddress.ToString(), "--json");
        var textExit = await text.RunAsync("plan", "--monthly-leads", "1000", "--submitter", services.Submitter.BaseAddress.ToString());

        Assert.Equal(0, jsonExit);
        var plan = JsonSerializer.Deserialize<CapacityPlan>(json.Output, Json)!;
        Assert.Equal(ServicesFixture.RecordsPerSecond, plan.RecordsPerSecond);
        Assert.Equal(5, plan.DeliveryHoursPerMonth);
        Assert.Equal("Enterprise", plan.Tier);
        Assert.Equal(0, textExit);
        Assert.Contains("Delivery time at 5 records/s", text.Output, StringComparison.Ordinal);
        Assert.Contains("Plan: Growth", text.Output, StringComparison.Ordinal);
        Assert.Contains("Launch: no — covers 2,000 Actions and 6,000 Data Credits a month", text.Output, StringComparison.Ordinal);
        Assert.Contains("no webhooks and no HTTP API", text.Output, StringComparison.Ordinal);
    }
}
