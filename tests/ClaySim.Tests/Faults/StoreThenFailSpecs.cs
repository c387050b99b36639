using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.ClaySim.Tests.Support;
using ClayBus.Testing;

namespace ClayBus.ClaySim.Tests.Faults;

/// <summary>
/// Store-then-fail (issue 14): the records are stored, enriched and called back as for a 200, and the client sees a
/// 5xx, a reset or a hang: a resend of the same rows is then a duplicate in the ground truth.
/// </summary>
public sealed class StoreThenFailSpecs() : ClaySimSpecs(new Dictionary<string, string?> { ["ClaySim:LimitsEnabled"] = "false" })
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("5xx")]
    [InlineData("reset")]
    [InlineData("hang")]
    public async Task Should_store_the_records_and_then_fail_the_request(string mode)
    {
        await Sim.InstantProviderAsync("finder", 1.0);
        var hook = await Sim.CreateTableAsync("store-then-fail-" + mode, new { waterfall = new[] { "finder" } });
        await Sim.FaultsAsync(new { storeThenFailRate = 1.0, storeThenFailModes = new[] { mode }, serverErrorStatuses = new[] { 503 } });

        await ExpectFailure(mode, hook, ["a", "b"]);
        (await Sim.Http.DeleteAsync(new Uri("/_sim/faults", UriKind.Relative))).EnsureSuccessStatusCode();
        var resend = await Sim.SendRowsAsync(hook, ["a"]);

        Assert.Equal(HttpStatusCode.OK, resend.StatusCode);
        await Eventually.Until(() => Host.Callbacks.Accepted.Count == 3, Deadline, "a callback for each stored copy");
        Assert.Equal(["a", "a", "b"], Host.Callbacks.Accepted.Select(c => c.RowId).Order());
        var table = (await Sim.CountersAsync())["tables"]!["store-then-fail-" + mode]!;
        Assert.Equal(3, table["recordsAccepted"]!.GetValue<double>());
        Assert.Equal(1, table["duplicateRowIds"]!.GetValue<double>());
        Assert.Equal(1, table["requestsStoredThenFailed"]!.GetValue<double>());
        Assert.Equal(2, table["recordsStoredThenFailed"]!.GetValue<double>());
        Assert.Equal(0, table["responsesInjected5xx"]!.GetValue<double>());
        Assert.Equal(1, await Sim.CounterAsync("webhooks", hook.Id, "requestsStoredThenFailed"));
        Assert.Equal(2, await Sim.CounterAsync("totals", null, "recordsStoredThenFailed"));
    }

    [Fact]
    public async Task Should_draw_every_mode_by_default()
    {
        var hook = await Sim.CreateTableAsync("store-then-fail-default");
        await Sim.FaultsAsync(new { storeThenFailRate = 1.0 });
        var faults = JsonDocument.Parse(await Sim.Http.GetStringAsync(new Uri("/_sim/faults", UriKind.Relative))).RootElement;

        var answers = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 60 && answers.Count < 3; i++)
        {
            answers.Add(await Answer(hook, [$"row-{i}"]));
        }

        Assert.Equal(["5xx", "reset", "hang"], faults.GetProperty("storeThenFailModes").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["5xx", "hang", "reset"], answers.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{"storeThenFailRate":1.5}""", "storeThenFailRate")]
    [InlineData("""{"storeThenFailModes":["5xx","boom"]}""", "storeThenFailModes")]
    [InlineData("""{"storeThenFailModes":[]}""", "storeThenFailModes")]
    public async Task Should_refuse_a_bad_setting_naming_the_field(string body, string field)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        var response = await Sim.Http.PutAsync(new Uri("/_sim/faults", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task ExpectFailure(string mode, Webhook hook, IReadOnlyList<string> rows)
    {
        var answer = await Answer(hook, rows);
        Assert.Equal(mode, answer);
    }

    /// <summary>Sends the rows and says how the request failed: "5xx" (a 503 or 500/502), "reset" or "hang".</summary>
    private async Task<string> Answer(Webhook hook, IReadOnlyList<string> rows)
    {
        var before = await Sim.CounterAsync("totals", null, "requestsStoredThenFailed");
        var hangs = await Sim.CounterAsync("totals", null, "hangs");
        using var giveUp = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/v3/sources/webhook/{hook.Id}", UriKind.Relative))
        {
            Content = JsonContent.Create(rows.Select(id => new Dictionary<string, string> { ["claybus_row_id"] = id, ["claybus_job_id"] = "job-1" })),
        };
        request.Headers.Add("x-clay-webhook-auth", hook.Token);
        var pending = Sim.Http.SendAsync(request, giveUp.Token);
        await Eventually.Until(async () => pending.IsCompleted || await Sim.CounterAsync("totals", null, "hangs") > hangs, Deadline, "an answer or a hang");
        Assert.Equal(before + 1, await Sim.CounterAsync("totals", null, "requestsStoredThenFailed"));
        if (!pending.IsCompleted)
        {
            // Counted as hanging and unanswered: give up as a client would.
            await giveUp.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
            return "hang";
        }

        try
        {
            var response = await pending;
            Assert.True((int)response.StatusCode >= 500, $"a store-then-fail request answered {(int)response.StatusCode}");
            return "5xx";
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or OperationCanceledException)
        {
            // A reset connection: HttpRequestException over a socket, "the application aborted the request" in process.
            return "reset";
        }
    }
}
