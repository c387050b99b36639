using System.Net;
using ClayBus.ClaySim.Tests.Support;
using ClayBus.Testing;

namespace ClayBus.ClaySim.Tests.Callbacks;

/// <summary>The HTTP API column: the body of docs/clay-interfaces.md §1, and each of Clay's delivery quirks on demand.</summary>
public sealed class CallbackSpecs() : ClaySimSpecs(new Dictionary<string, string?> { ["ClaySim:LimitsEnabled"] = "false" })
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_post_every_field_that_came_in_with_the_outcome_and_the_credits_to_the_table_callback()
    {
        var hook = await InstantTable("callback-body");

        await Sim.SendAsync(hook, """{"claybus_row_id":"row-1","claybus_job_id":"job-9","email":"ada@lovelace.dev","custom":{"x":1}}""");

        var callback = (await Received(1)).Single();
        var body = callback.Json;
        Assert.Equal("http://callbacks.test/clay/callbacks/callback-body", callback.Url.ToString());
        Assert.Equal("dev-only-callback-secret", callback.Headers["x-claybus-callback-secret"]);
        Assert.Equal("row-1", body.GetProperty("claybus_row_id").GetString());
        Assert.Equal("job-9", body.GetProperty("claybus_job_id").GetString());
        Assert.Equal("ada@lovelace.dev", body.GetProperty("email").GetString());
        Assert.Equal(1, body.GetProperty("custom").GetProperty("x").GetInt32());
        Assert.Equal("enriched", body.GetProperty("status").GetString());
        Assert.Equal("finder", body.GetProperty("successful_provider").GetString());
        Assert.Equal("Lovelace", body.GetProperty("enriched").GetProperty("company_name").GetString());
        var providers = body.GetProperty("providers").EnumerateArray().Select(p => (p.GetProperty("provider").GetString(), p.GetProperty("result").GetString(), p.GetProperty("data_credits").GetDouble())).ToList();
        Assert.Equal([("misser", "no_data", 0.0), ("finder", "hit", 2.5), ("spare", "skipped", 0.0)], providers);
        // Every provider called costs 1 Action (the miss too, the skipped one nothing); only the hit costs Data
        // Credits; the HTTP API call costs 1 Action once it went through.
        Assert.Equal(2.5, body.GetProperty("credits").GetProperty("data_credits").GetDouble());
        Assert.Equal(3, body.GetProperty("credits").GetProperty("actions").GetInt32());
        await ActionsReach("callback-body", 3);
        Assert.Equal(2.5, await Sim.CounterAsync("tables", "callback-body", "dataCreditsCharged"));
        Assert.Equal(1, await Sim.CounterAsync("providers", "misser", "actionsCharged"));
        Assert.Equal(1, await Sim.CounterAsync("providers", "finder", "actionsCharged"));
        Assert.Equal(2.5, await Sim.CounterAsync("providers", "finder", "dataCreditsCharged"));
    }

    [Fact]
    public async Task Should_charge_no_data_credits_with_an_own_key_nor_when_no_provider_finds_data()
    {
        await Sim.InstantProviderAsync("own-key", 1.0, dataCredits: 4, ownKey: true);
        await Sim.InstantProviderAsync("never", 0.0);
        var owned = await Sim.CreateTableAsync("own-key-table", new { waterfall = new[] { "own-key" } });
        var empty = await Sim.CreateTableAsync("no-data-table", new { waterfall = new[] { "never" } });

        await Sim.SendRowsAsync(owned, ["owned-row"]);
        await Sim.SendRowsAsync(empty, ["empty-row"]);

        var callbacks = (await Received(2)).ToDictionary(c => c.RowId);
        Assert.Equal(0, callbacks["owned-row"].Json.GetProperty("credits").GetProperty("data_credits").GetDouble());
        Assert.Equal(2, callbacks["owned-row"].Json.GetProperty("credits").GetProperty("actions").GetInt32());
        Assert.Equal("no_data", callbacks["empty-row"].Json.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, callbacks["empty-row"].Json.GetProperty("successful_provider").ValueKind);
        Assert.Equal(2, callbacks["empty-row"].Json.GetProperty("credits").GetProperty("actions").GetInt32());
        await ActionsReach("own-key-table", 2);
        await ActionsReach("no-data-table", 2);
        Assert.Equal(0, await Sim.CounterAsync("totals", null, "dataCreditsCharged"));
        Assert.Equal(1, await Sim.CounterAsync("providers", "own-key", "actionsCharged"));
        Assert.Equal(1, await Sim.CounterAsync("providers", "never", "actionsCharged"));
        Assert.Equal(4, await Sim.CounterAsync("totals", null, "actionsCharged"));
    }

    [Fact]
    public async Task Should_charge_the_enrichment_but_not_the_HTTP_API_call_of_a_dropped_callback()
    {
        var hook = await InstantTable("dropped-charges");
        await Sim.FaultsAsync(new { callbackDropRate = 1.0 });

        await Sim.SendRowsAsync(hook, ["dropped"]);

        // The drop is counted after the enrichment was charged, and nothing comes after it.
        await CounterReaches("callbacksDropped", 1);
        Assert.Equal(2, await Sim.CounterAsync("tables", "dropped-charges", "actionsCharged"));
        Assert.Equal(2.5, await Sim.CounterAsync("tables", "dropped-charges", "dataCreditsCharged"));
        Assert.Equal(1, await Sim.CounterAsync("providers", "misser", "actionsCharged"));
        Assert.Equal(1, await Sim.CounterAsync("providers", "finder", "actionsCharged"));
        Assert.Equal(0, Host.Callbacks.Attempts("dropped"));
    }

    [Fact]
    public async Task Should_retry_a_refused_callback_with_backoff_until_it_is_taken()
    {
        Host.Callbacks.Answer = (_, attempt) => attempt <= 2 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK;
        var hook = await InstantTable("callback-retry");

        await Sim.SendRowsAsync(hook, ["a", "b", "c"]);

        await Received(3);
        Assert.All(["a", "b", "c"], row => Assert.Equal(3, Host.Callbacks.Attempts(row)));
        Assert.Equal(6, await Sim.CounterAsync("totals", null, "callbackAttemptsFailed"));
        Assert.Equal(0, await Sim.CounterAsync("totals", null, "callbacksFailed"));
        // Retries are the same call: 2 provider calls + 1 HTTP API Action per row, however many attempts it took.
        await ActionsReach("callback-retry", 9);
        Assert.Equal(9, await Sim.CounterAsync("totals", null, "actionsCharged"));
    }

    [Fact]
    public async Task Should_give_up_after_the_configured_retries_and_count_the_callback_failed()
    {
        Host.Callbacks.Answer = (_, _) => HttpStatusCode.InternalServerError;
        await Sim.ConfigureAsync(new { callbackRetries = 2 });
        var hook = await InstantTable("callback-give-up");

        await Sim.SendRowsAsync(hook, ["a", "b"]);

        await CounterReaches("callbacksFailed", 2);
        Assert.Equal(3, Host.Callbacks.Attempts("a"));
        Assert.Equal(3, Host.Callbacks.Attempts("b"));
        Assert.Equal(0, await Sim.CounterAsync("totals", null, "callbacksSent"));
        Assert.Equal(4, await Sim.CounterAsync("totals", null, "actionsCharged"));
    }

    [Fact]
    public async Task Should_send_each_callback_twice_when_duplicates_are_on()
    {
        await Sim.FaultsAsync(new { callbackDuplicateRate = 1.0 });
        var hook = await InstantTable("callback-duplicates");

        await Sim.SendRowsAsync(hook, ["a", "b", "c"]);

        var callbacks = await Received(6);
        Assert.All(callbacks.GroupBy(c => c.RowId), group => Assert.Equal(2, group.Select(c => c.Body).Count(b => b == group.First().Body)));
        Assert.Equal(3, await Sim.CounterAsync("totals", null, "callbacksDuplicated"));
        await ActionsReach("callback-duplicates", 9);
        Assert.Equal(9, await Sim.CounterAsync("totals", null, "actionsCharged"));
    }

    [Fact]
    public async Task Should_send_a_window_of_callbacks_newest_first_when_out_of_order_is_on()
    {
        await Sim.ConfigureAsync(new { callbackOutOfOrderWindow = 10 });
        await Sim.FaultsAsync(new { callbackOutOfOrder = true });
        var hook = await InstantTable("callback-out-of-order");

        await Sim.SendRowsAsync(hook, Enumerable.Range(0, 10).Select(i => $"row-{i}"));

        // A busy machine may flush a window early (after 1 s), so the run can split in several windows: each is
        // sent newest first, and what matters to a receiver is that later rows arrive before earlier ones.
        var sequences = (await Received(10)).Select(c => c.Sequence).ToList();
        var inversions = sequences.Zip(sequences.Skip(1)).Count(pair => pair.First > pair.Second);
        Assert.Equal(10, sequences.Distinct().Count());
        Assert.True(inversions >= sequences.Count / 2, $"callbacks came mostly in order: {string.Join(", ", sequences)}");
    }

    [Fact]
    public async Task Should_never_call_back_for_dropped_callbacks_or_stuck_rows()
    {
        var hook = await InstantTable("callback-silence");
        await Sim.FaultsAsync(new { callbackDropRate = 1.0 });
        await Sim.SendRowsAsync(hook, ["dropped-1", "dropped-2"]);
        await CounterReaches("callbacksDropped", 2);
        await Sim.FaultsAsync(new { callbackDropRate = 0.0, stuckRowRate = 1.0 });

        await Sim.SendRowsAsync(hook, ["stuck-1", "stuck-2", "stuck-3"]);

        await CounterReaches("rowsStuck", 3);
        Assert.Empty(Host.Callbacks.Accepted);
        Assert.Equal(0, Host.Callbacks.Attempts("dropped-1") + Host.Callbacks.Attempts("stuck-1"));
        Assert.Equal(2, await Sim.CounterAsync("totals", null, "rowsEnriched"));
    }

    [Fact]
    public async Task Should_fall_through_to_the_next_provider_during_an_outage()
    {
        var hook = await InstantTable("callback-outage");
        await Sim.InstantProviderAsync("backup", 1.0, dataCredits: 1);
        await Sim.CreateTableAsync("outage-table", new { waterfall = new[] { "finder", "backup" } });
        var outageHook = await Sim.AddWebhookAsync("outage-table");
        await Sim.FaultsAsync(new { providerOutage = new[] { "finder" } });

        await Sim.SendRowsAsync(outageHook, ["during-outage"]);

        var body = (await Received(1)).Single().Json;
        Assert.Equal("backup", body.GetProperty("successful_provider").GetString());
        Assert.Equal("error", body.GetProperty("providers")[0].GetProperty("result").GetString());
        Assert.Equal(1, await Sim.CounterAsync("providers", "finder", "rowsError"));
        Assert.NotNull(hook);
    }

    [Fact]
    public async Task Should_empty_an_auto_delete_table_and_forget_its_row_ids_once_its_callbacks_succeeded()
    {
        const int Rows = 500;
        await Sim.InstantProviderAsync("finder", 1.0);
        var hook = await Sim.CreateTableAsync("auto-delete-callbacks", new { autoDelete = true, waterfall = new[] { "finder" } });

        await Sim.SendRowsAsync(hook, Enumerable.Range(0, Rows).Select(i => $"row-{i}"));

        await ActionsReach("auto-delete-callbacks", 2 * Rows);
        var table = await Table("auto-delete-callbacks");
        Assert.Equal(Rows, await Sim.CounterAsync("tables", "auto-delete-callbacks", "callbacksSent"));
        Assert.Equal(0, table["rowsInTable"]!.GetValue<long>());
        Assert.Equal(0, table["retainedRowIds"]!.GetValue<long>());
    }

    [Fact]
    public async Task Should_count_a_repeat_in_an_auto_delete_table_as_a_duplicate_only_while_a_copy_is_still_there()
    {
        await Sim.ConfigureAsync(new { callbackRetries = 0 });
        Host.Callbacks.Answer = (row, attempt) => row == "kept" && attempt == 1 ? HttpStatusCode.InternalServerError : HttpStatusCode.OK;
        await Sim.InstantProviderAsync("finder", 1.0);
        var hook = await Sim.CreateTableAsync("auto-delete-duplicates", new { autoDelete = true, waterfall = new[] { "finder" } });

        // Two copies of "kept": one callback fails (that copy stays), one succeeds; "gone" leaves the table.
        await Sim.SendRowsAsync(hook, ["kept", "kept", "gone"]);
        await ActionsReach("auto-delete-duplicates", 3 + 2);
        await CounterReaches("callbacksFailed", 1);
        var first = await Table("auto-delete-duplicates");
        var firstDuplicates = await Sim.CounterAsync("tables", "auto-delete-duplicates", "duplicateRowIds");

        // "kept" again while a copy is in the table: a duplicate. "gone" again after it left: not one (README).
        await Sim.SendRowsAsync(hook, ["kept", "gone"]);
        await ActionsReach("auto-delete-duplicates", 5 + 2 + 2);
        var second = await Table("auto-delete-duplicates");

        Assert.Equal(1, await Sim.CounterAsync("tables", "auto-delete-duplicates", "callbacksFailed"));
        Assert.Equal(1, firstDuplicates);
        Assert.Equal(1, first["rowsInTable"]!.GetValue<long>());
        Assert.Equal(1, first["retainedRowIds"]!.GetValue<long>());
        Assert.Equal(2, await Sim.CounterAsync("tables", "auto-delete-duplicates", "duplicateRowIds"));
        Assert.Equal(1, second["rowsInTable"]!.GetValue<long>());
        Assert.Equal(1, second["retainedRowIds"]!.GetValue<long>());
    }

    private async Task<Webhook> InstantTable(string key)
    {
        await Sim.InstantProviderAsync("misser", 0.0);
        await Sim.InstantProviderAsync("finder", 1.0, dataCredits: 2.5);
        await Sim.InstantProviderAsync("spare", 1.0);
        return await Sim.CreateTableAsync(key, new { waterfall = new[] { "misser", "finder", "spare" } });
    }

    private async Task<IReadOnlyList<ReceivedCallback>> Received(int count)
    {
        await Eventually.Until(() => Host.Callbacks.Accepted.Count >= count, Deadline, $"{count} callbacks");
        return Host.Callbacks.Accepted;
    }

    private async Task<System.Text.Json.Nodes.JsonNode> Table(string key) =>
        (await Sim.WorkspaceAsync())["tables"]!.AsArray().Single(t => t!["key"]!.GetValue<string>() == key)!;

    /// <summary>A row's HTTP API Action is charged last, after its callback was taken and the row settled.</summary>
    private Task ActionsReach(string table, double value) =>
        Eventually.Until(async () => await Sim.CounterAsync("tables", table, "actionsCharged") >= value, Deadline, $"{table}'s actionsCharged to reach {value}");

    private Task CounterReaches(string counter, double value) =>
        Eventually.Until(async () => await Sim.CounterAsync("totals", null, counter) >= value, Deadline, $"{counter} to reach {value}");
}
