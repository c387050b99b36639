using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.Contracts.Credits;
using ClayBus.Monitor.Tests.Status;
using ClayBus.Testing;
using ClayBus.Testing.Security;

namespace ClayBus.Monitor.Tests.Budget;

/// <summary>
/// <c>GET /budget/holds</c> and <c>DELETE /budget/holds/{table}</c> on a real Monitor over the real broker and Redis,
/// with a stand-in ledger: held tables are listed with the charges that held them, and a release is audited under
/// the operator key's name and published to the Enricher.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BudgetHoldEndpointSpecs(MonitorFixture monitor) : IClassFixture<MonitorFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_list_a_held_table_with_its_charges_and_release_it_audited()
    {
        monitor.Ledger = Ledger("hold-spec-table");
        await monitor.Enricher.Publish(new BudgetAnomaly("hold-spec-table", "zoominfo", "data_credits", 5m, 4m, Guid.NewGuid(), "row-1", DateTimeOffset.UtcNow));
        var holds = await Eventually.Value(
            () => monitor.Client.GetFromJsonAsync<JsonElement>("budget/holds"),
            h => h.EnumerateArray().Any(t => t.GetProperty("tableKey").GetString() == "hold-spec-table" && t.GetProperty("anomalies").GetInt64() == 1),
            Deadline,
            "the held table with its anomaly");

        using var release = await Send(HttpMethod.Delete, "budget/holds/hold-spec-table", TestKeys.Operator);

        var table = holds.EnumerateArray().Single(t => t.GetProperty("tableKey").GetString() == "hold-spec-table");
        Assert.True(table.GetProperty("held").GetBoolean());
        Assert.Equal(5m, table.GetProperty("latest")[0].GetProperty("charged").GetDecimal());
        Assert.Equal(HttpStatusCode.Accepted, release.StatusCode);
        await Eventually.Until(() => Task.FromResult(monitor.HoldReleases.Any(r => r.TableKey == "hold-spec-table" && r.RequestedBy == "operate-key")), Deadline, "ReleaseTableHold from the operator key");
        var audit = await monitor.Client.GetFromJsonAsync<JsonElement>("audit?action=budget.release-hold");
        var entry = Assert.Single(audit.EnumerateArray(), e => e.GetProperty("target").GetString() == "hold-spec-table");
        Assert.Equal("operate-key", entry.GetProperty("who").GetString());
        Assert.Equal("succeeded", entry.GetProperty("state").GetString());
        Assert.True(entry.GetProperty("before").GetProperty("held").GetBoolean());
    }

    [Fact]
    public async Task Should_refuse_a_reader_a_table_not_held_and_a_release_while_the_ledger_is_silent()
    {
        monitor.Ledger = Ledger("other-held-table");

        using var reader = await Send(HttpMethod.Delete, "budget/holds/other-held-table", TestKeys.Reader);
        using var notHeld = await Send(HttpMethod.Delete, "budget/holds/never-held-table", TestKeys.Operator);
        using var badKey = await Send(HttpMethod.Delete, "budget/holds/not%20a%20table", TestKeys.Operator);
        monitor.Ledger = null;
        using var silent = await Send(HttpMethod.Delete, "budget/holds/other-held-table", TestKeys.Operator);
        using var silentList = await Send(HttpMethod.Get, "budget/holds", TestKeys.Reader);

        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notHeld.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badKey.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, silent.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, silentList.StatusCode);
        Assert.DoesNotContain(monitor.HoldReleases, r => r.TableKey is "other-held-table" or "never-held-table");
    }

    private static BudgetStatus Ledger(params string[] held)
    {
        var now = DateTimeOffset.UtcNow;
        return new BudgetStatus(DateOnly.FromDateTime(now.UtcDateTime), "UTC", 5_000m, 0m, 10m, 4_990m, false, now.AddDays(1), HeldTables: held);
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string key)
    {
        using var client = new HttpClient { BaseAddress = monitor.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Add(TestKeys.Header, key);
        return await client.SendAsync(request);
    }
}
