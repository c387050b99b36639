using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Enricher.Webhooks;
using ClayBus.Testing;

namespace ClayBus.Enricher.Tests.Webhooks;

[Trait("Category", "Integration")]
public sealed class WebhookPoolSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private static readonly WebhookPoolOptions Caps = new() { WarnAt = 80, RotateAt = 90, HardCap = 100 };

    [Fact]
    public async Task Should_warn_rotate_and_never_pass_the_cap_across_three_instances()
    {
        var table = $"t-{Guid.NewGuid():N}";
        var tables = new TestOptionsMonitor<TablesOptions>(Tables(table, 2));
        var pools = (await Keyspaces.ConnectAsync(infrastructure, 3))
            .Select(redis => new WebhookPool(redis, tables, new TestOptionsMonitor<WebhookPoolOptions>(Caps), Metrics.Create()))
            .ToArray();

        // 30 requests of 7 records race for two webhooks of 100.
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => pools[i % 3].ReserveAsync(table, 7)));
        var granted = answers.Where(a => a.Reservation is not null).Select(a => a.Reservation!).ToList();
        var perHook = granted.GroupBy(r => r.Webhook.Id).ToDictionary(g => g.Key, g => g.Sum(r => r.Records));

        Assert.All(perHook.Values, used => Assert.InRange(used, 90, 96));
        Assert.Equal(2, perHook.Count);
        Assert.Equal(2, granted.Count(r => r.CrossedWarning));
        Assert.Equal(1, granted.Count(r => r.RotatedFrom is not null));
        Assert.Equal(1, answers.Count(a => a.Reservation is null && a.FirstExhaustion));
    }

    [Fact]
    public async Task Should_use_a_webhook_added_to_configuration_without_a_restart()
    {
        var table = $"t-{Guid.NewGuid():N}";
        var tables = new TestOptionsMonitor<TablesOptions>(Tables(table, 1));
        var pool = new WebhookPool(await Keyspaces.ConnectAsync(infrastructure), tables, new TestOptionsMonitor<WebhookPoolOptions>(Caps), Metrics.Create());
        for (var i = 0; i < 9; i++)
        {
            Assert.NotNull((await pool.ReserveAsync(table, 10)).Reservation);
        }

        var spent = await pool.ReserveAsync(table, 10);
        var stillSpent = await pool.ReserveAsync(table, 10);
        tables.Set(Tables(table, 2));
        var added = await pool.ReserveAsync(table, 10);

        Assert.Null(spent.Reservation);
        Assert.True(spent.FirstExhaustion);
        Assert.False(stillSpent.FirstExhaustion);
        Assert.Equal(10, added.Reservation!.RecordsUsed);
        Assert.Equal("…hook-1", added.Reservation.Webhook.Masked);
    }

    [Fact]
    public async Task Should_not_cap_an_auto_delete_table()
    {
        var table = $"t-{Guid.NewGuid():N}";
        var options = Tables(table, 1);
        options.Tables[table].AutoDelete = true;
        var pool = new WebhookPool(await Keyspaces.ConnectAsync(infrastructure), new TestOptionsMonitor<TablesOptions>(options), new TestOptionsMonitor<WebhookPoolOptions>(Caps), Metrics.Create());

        WebhookReservation? last = null;
        for (var i = 0; i < 15; i++)
        {
            last = (await pool.ReserveAsync(table, 10)).Reservation;
        }

        Assert.Equal(150, last!.RecordsUsed);
        Assert.Null(last.Cap);
    }

    private static TablesOptions Tables(string table, int webhooks) => new()
    {
        Tables =
        {
            [table] = new TableOptions
            {
                Webhooks = [.. Enumerable.Range(0, webhooks).Select(i => new WebhookEndpointOptions { Url = $"http://127.0.0.1:9/v3/sources/webhook/{table}-hook-{i}", Token = "dev-only-token" })],
            },
        },
    };
}
