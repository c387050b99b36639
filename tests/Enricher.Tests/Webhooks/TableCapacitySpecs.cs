using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Enricher.Webhooks;
using ClayBus.Testing;

namespace ClayBus.Enricher.Tests.Webhooks;

/// <summary>Rows per table in Redis, counted by the webhook pool's Lua and read by the table gate.</summary>
[Trait("Category", "Integration")]
public sealed class TableCapacitySpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private static readonly WebhookPoolOptions Caps = new() { WarnAt = 800, RotateAt = 900, HardCap = 1_000 };

    [Fact]
    public async Task Should_never_pass_MaxRows_over_several_webhooks_and_instances()
    {
        var table = $"t-{Guid.NewGuid():N}";
        var tables = new TestOptionsMonitor<TablesOptions>(Tables(table, webhooks: 2, maxRows: 100));
        var pools = (await Keyspaces.ConnectAsync(infrastructure, 3))
            .Select(redis => new WebhookPool(redis, tables, new TestOptionsMonitor<WebhookPoolOptions>(Caps), Metrics.Create()))
            .ToArray();

        // 30 requests of 7 records race for a table of 100 rows spread over two webhooks of 1,000.
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => pools[i % 3].ReserveAsync(table, 7)));
        var check = await pools[0].CheckTableAsync(table);

        Assert.Equal(98, answers.Where(a => a.Reservation is not null).Sum(a => a.Reservation!.Records));
        Assert.All(answers.Where(a => a.Reservation is null), a => Assert.True(a.TableFull));
        Assert.All(answers.Where(a => a.Reservation is null), a => Assert.False(a.FirstExhaustion));
        Assert.Equal(98, check!.State.Rows);
        Assert.Equal(TableWait.TableFull, check.Verdict.Wait);
        Assert.True(await pools[1].AnnounceOnceAsync(table, "full-announced"));
        Assert.False(await pools[2].AnnounceOnceAsync(table, "full-announced"));
    }

    [Fact]
    public async Task Should_count_rows_given_back_and_go_again_when_MaxRows_is_raised()
    {
        var table = $"t-{Guid.NewGuid():N}";
        var tables = new TestOptionsMonitor<TablesOptions>(Tables(table, webhooks: 1, maxRows: 50));
        var pool = new WebhookPool(await Keyspaces.ConnectAsync(infrastructure), tables, new TestOptionsMonitor<WebhookPoolOptions>(Caps), Metrics.Create());

        var first = (await pool.ReserveAsync(table, 30)).Reservation!;
        var refused = await pool.ReserveAsync(table, 30);
        var whileFull = await pool.CheckTableAsync(table);
        await pool.ReleaseAsync(first);
        var afterRelease = await pool.CheckTableAsync(table);
        await pool.ReserveAsync(table, 30);
        tables.Set(Tables(table, webhooks: 1, maxRows: 33));
        var nearlyFull = await pool.CheckTableAsync(table);
        var over = await pool.ReserveAsync(table, 10);
        var full = await pool.CheckTableAsync(table);
        tables.Set(Tables(table, webhooks: 1, maxRows: 100));
        var raised = await pool.CheckTableAsync(table);

        Assert.True(refused.TableFull);
        Assert.Equal(TableWait.TableFull, whileFull!.Verdict.Wait);
        Assert.Equal(0, afterRelease!.State.Rows);
        Assert.Equal(TableWait.None, afterRelease.Verdict.Wait);
        Assert.Equal(TableWait.None, nearlyFull!.Verdict.Wait);
        Assert.True(nearlyFull.Verdict.Warn);
        Assert.True(over.TableFull);
        Assert.Equal(TableWait.TableFull, full!.Verdict.Wait);
        Assert.Equal(30, raised!.State.Rows);
        Assert.Equal(TableWait.None, raised.Verdict.Wait);
    }

    [Fact]
    public async Task Should_start_a_table_from_its_webhooks_counts_and_not_cap_an_auto_delete_table()
    {
        var table = $"t-{Guid.NewGuid():N}";
        var options = Tables(table, webhooks: 1, maxRows: 20);
        var redis = await Keyspaces.ConnectAsync(infrastructure);
        var hook = new WebhookTarget(table, new Uri(options.Tables[table].Webhooks[0].Url), null);
        // A webhook counted before rows per table existed.
        await redis.Database.StringSetAsync($"webhooks:{table}:{hook.Id}:count", 15);
        var tables = new TestOptionsMonitor<TablesOptions>(options);
        var pool = new WebhookPool(redis, tables, new TestOptionsMonitor<WebhookPoolOptions>(Caps), Metrics.Create());

        var before = await pool.CheckTableAsync(table);
        var refused = await pool.ReserveAsync(table, 10);
        options.Tables[table].AutoDelete = true;
        tables.Set(options);
        var uncapped = await pool.ReserveAsync(table, 10);
        var after = await pool.CheckTableAsync(table);

        Assert.Equal(15, before!.State.Rows);
        Assert.True(refused.TableFull);
        Assert.NotNull(uncapped.Reservation);
        Assert.Equal(25, after!.State.Rows);
        Assert.Equal(TableWait.None, after.Verdict.Wait);
    }

    [Fact]
    public async Task Should_judge_each_table_alone_when_one_has_a_bad_webhook_url()
    {
        var good = $"t-{Guid.NewGuid():N}";
        var bad = $"t-{Guid.NewGuid():N}";
        var options = Tables(good, webhooks: 1, maxRows: 100);
        options.Tables[bad] = Tables(bad, webhooks: 1, maxRows: 100).Tables[bad];
        options.Tables[bad].Webhooks[0].Url = "hxxp://not a url";
        var pool = new WebhookPool(await Keyspaces.ConnectAsync(infrastructure), new TestOptionsMonitor<TablesOptions>(options), new TestOptionsMonitor<WebhookPoolOptions>(Caps), Metrics.Create());

        var goodCheck = await pool.CheckTableAsync(good);
        var badCheck = await pool.CheckTableAsync(bad);

        Assert.Equal(TableWait.None, goodCheck!.Verdict.Wait);
        Assert.Equal(TableWait.ConfigInvalid, badCheck!.Verdict.Wait);
        Assert.Contains($"Tables:{bad}:Webhooks:0:Url", badCheck.Verdict.Detail, StringComparison.Ordinal);
        Assert.Null(await pool.CheckTableAsync("not-configured"));
    }

    private static TablesOptions Tables(string table, int webhooks, long maxRows) => new()
    {
        Tables =
        {
            [table] = new TableOptions
            {
                MaxRows = maxRows,
                Webhooks = [.. Enumerable.Range(0, webhooks).Select(i => new WebhookEndpointOptions { Url = $"http://127.0.0.1:9/v3/sources/webhook/{table}-hook-{i}", Token = "dev-only-token" })],
            },
        },
    };
}
