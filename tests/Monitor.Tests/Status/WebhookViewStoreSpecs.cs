using ClayBus.Monitor.Status;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.Testing;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Tests.Status;

/// <summary>
/// The webhook view on the real Redis, in a key namespace of its own (<c>webhook-view:</c>), still reading what an
/// older Monitor wrote under the Enricher's <c>webhooks:</c> until the table's next event.
/// </summary>
[Trait("Category", "Integration")]
public sealed class WebhookViewStoreSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private readonly string _prefix = infrastructure.Redis.Prefix + Guid.NewGuid().ToString("N")[..8] + ":";
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    private WebhookViewStore Store => new(new RedisKeyspace(infrastructure.Redis.Connection, Options.Create(new RedisOptions { KeyPrefix = _prefix })));

    [Fact]
    public async Task Should_write_under_its_own_prefix_and_leave_the_enricher_namespace_alone()
    {
        await Store.RecordDeliveryAsync("people", "…hook-0", 120, 50_000, 20, Guid.NewGuid(), _now);

        var usage = Assert.Single(await Store.ReadAsync(_now, TimeSpan.FromMinutes(1)));
        Assert.Equal((120L, 20L), (usage.Usage.Used, usage.SentInWindow));
        Assert.True(await infrastructure.Redis.Database.KeyExistsAsync(_prefix + "webhook-view:table:people"));
        Assert.False(await infrastructure.Redis.Database.KeyExistsAsync(_prefix + "webhooks:table:people"));
        Assert.False(await infrastructure.Redis.Database.KeyExistsAsync(_prefix + "webhooks:tables"));
    }

    [Fact]
    public async Task Should_read_a_table_an_older_monitor_wrote_until_its_next_event()
    {
        var raw = infrastructure.Redis.Database;
        await raw.SetAddAsync(_prefix + "webhooks:tables", "companies");
        await raw.HashSetAsync(_prefix + "webhooks:table:companies", [new("webhook", "…old"), new("used", 900), new("rotations", 2)]);

        var old = Assert.Single(await Store.ReadAsync(_now, TimeSpan.FromMinutes(1))).Usage;
        await Store.RecordDeliveryAsync("companies", "…new", 10, 50_000, 10, Guid.NewGuid(), _now);
        var rewritten = Assert.Single(await Store.ReadAsync(_now, TimeSpan.FromMinutes(1))).Usage;

        Assert.Equal(("…old", 900L, 2), (old.Webhook, old.Used, old.Rotations));
        Assert.Equal(("…new", 10L), (rewritten.Webhook, rewritten.Used));
    }
}
