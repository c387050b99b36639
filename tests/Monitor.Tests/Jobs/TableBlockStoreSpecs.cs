using ClayBus.Monitor.Jobs;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.Testing;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Tests.Jobs;

/// <summary>The stuck cause's evidence on the real Redis: each table's latest block per kind, expiring.</summary>
[Trait("Category", "Integration")]
public sealed class TableBlockStoreSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private readonly string _prefix = infrastructure.Redis.Prefix + Guid.NewGuid().ToString("N")[..8] + ":";
    private readonly DateTimeOffset _at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    private TableBlockStore Store => new(new RedisKeyspace(infrastructure.Redis.Connection, Options.Create(new RedisOptions { KeyPrefix = _prefix })));

    [Fact]
    public async Task Should_read_back_the_blocks_of_the_asked_tables_only()
    {
        await Store.RecordAsync(new TableBlock("people", TableBlockKind.TableFull, _at, "45000 rows sent of 45000"));
        await Store.RecordAsync(new TableBlock("people", TableBlockKind.WebhookPoolExhausted, _at.AddSeconds(1), "2 webhooks"));
        await Store.RecordAsync(new TableBlock("companies", TableBlockKind.TableFull, _at, "1 rows sent of 1"));

        var blocks = await Store.ReadAsync(["people", "nobody"]);

        Assert.Equal(
            [
                new TableBlock("people", TableBlockKind.TableFull, _at, "45000 rows sent of 45000"),
                new TableBlock("people", TableBlockKind.WebhookPoolExhausted, _at.AddSeconds(1), "2 webhooks"),
            ],
            blocks.OrderBy(b => b.Kind));
    }

    [Fact]
    public async Task Should_keep_the_latest_block_of_a_kind_and_expire_it()
    {
        await Store.RecordAsync(new TableBlock("leads", TableBlockKind.TableFull, _at, "first | fill"));
        await Store.RecordAsync(new TableBlock("leads", TableBlockKind.TableFull, _at.AddMinutes(1), "second | fill"));

        Assert.Equal("second | fill", Assert.Single(await Store.ReadAsync(["leads"])).Detail);
        var ttl = await infrastructure.Redis.Connection.GetDatabase().KeyTimeToLiveAsync(_prefix + "jobs:table-block:leads");
        Assert.InRange(ttl!.Value, TableBlockStore.Retention - TimeSpan.FromMinutes(1), TableBlockStore.Retention);
    }
}
