using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Enricher.Webhooks;
using ClayBus.Testing;
using StackExchange.Redis;

namespace ClayBus.Enricher.Tests.Webhooks;

/// <summary>
/// The pool's script executes <see cref="WebhookRotationDecision"/>: each case seeds a table's counters, asks the
/// real <see cref="WebhookPool"/> on Redis, and asks the decision with the same state; the answers must be the same.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RotationParitySpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private static readonly WebhookPoolOptions Caps = new() { WarnAt = 80, RotateAt = 90, HardCap = 100 };

    // records, auto-delete, table rows (-1: never counted), counts, warned, current (1-based; 0 none; -1 unconfigured),
    // pool already found spent, the table's MaxRows, the webhook expected (0: none).
    public static TheoryData<int, bool, long, long[], bool[], int, bool, long, int> Cases => new()
    {
        { 7, false, -1, [0, 0], [false, false], 0, false, 250, 1 },
        { 7, false, 85, [85, 0], [false, false], 1, false, 250, 1 },
        { 7, false, 85, [85, 0], [true, false], 1, false, 250, 1 },
        { 7, false, 90, [90, 0], [true, false], 1, false, 250, 2 },
        { 7, false, 95, [95, 0], [true, false], 1, false, 250, 2 },
        { 12, false, 89, [89, 0], [true, false], 1, false, 250, 2 },
        { 7, false, 190, [95, 95], [true, true], 2, false, 250, 0 },
        { 7, false, 190, [95, 95], [true, true], 2, true, 250, 0 },
        { 7, false, 245, [95, 50], [true, false], 2, false, 250, 0 },
        { 7, false, -1, [100, 50], [true, false], 2, false, 250, 2 },
        { 7, true, 200, [200, 0], [false, false], 1, false, 250, 1 },
        { 7, false, 0, [0, 0], [false, false], -1, false, 250, 1 },
        { 7, false, 0, [0, 0], [false, false], 2, false, 250, 1 },
        { 10, false, 90, [80, 10, 0], [true, false, false], 1, false, 250, 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Should_reserve_exactly_as_the_rotation_decision_says(
        int records, bool autoDelete, long rows, long[] counts, bool[] warned, int current, bool exhausted, long maxRows, int hook)
    {
        var table = $"t-{Guid.NewGuid():N}";
        var options = new TablesOptions
        {
            Tables =
            {
                [table] = new TableOptions
                {
                    AutoDelete = autoDelete,
                    MaxRows = maxRows,
                    Webhooks = [.. counts.Select((_, i) => new WebhookEndpointOptions { Url = $"http://127.0.0.1:9/v3/sources/webhook/{table}-hook-{i}", Token = "dev-only-token" })],
                },
            },
        };
        var redis = await Keyspaces.ConnectAsync(infrastructure);
        var pool = new WebhookPool(redis, new TestOptionsMonitor<TablesOptions>(options), new TestOptionsMonitor<WebhookPoolOptions>(Caps), Metrics.Create());
        var ids = pool.Targets(table).Select(t => t.Id).ToList();
        var currentId = current switch { 0 => null, -1 => "gone", _ => ids[current - 1] };
        var state = new WebhookPoolState(rows < 0 ? null : rows, ids, counts, warned, currentId, exhausted);
        await Seed(redis.Database, table, state);

        var expected = WebhookRotationDecision.Decide(new RotationAsk(records, Caps.WarnAt, Caps.RotateAt, Caps.HardCap, !autoDelete, maxRows), state);
        var answer = await pool.ReserveAsync(table, records);
        var reservation = answer.Reservation;

        Assert.Equal(hook, expected.Hook);
        Assert.Equal(expected.Hook, reservation is null ? 0 : ids.IndexOf(reservation.Webhook.Id) + 1);
        Assert.Equal(expected.TableFull, answer.TableFull);
        Assert.Equal(expected.FirstExhaustion, answer.FirstExhaustion);
        Assert.Equal(expected.CountAfter, reservation?.RecordsUsed ?? 0);
        Assert.Equal(expected.CrossedWarning, reservation?.CrossedWarning ?? false);
        Assert.Equal(expected.RotatedFrom, reservation?.RotatedFrom is { } from ? ids.IndexOf(from.Id) + 1 : 0);
        Assert.Equal(expected.RotatedFromCount, reservation?.RotatedFromRecordsUsed ?? 0);
    }

    private static async Task Seed(IDatabase redis, string table, WebhookPoolState state)
    {
        if (state.Rows is { } rows)
        {
            await redis.StringSetAsync($"tables:{table}:rows", rows);
        }

        for (var i = 0; i < state.Hooks.Count; i++)
        {
            await redis.StringSetAsync($"webhooks:{table}:{state.Hooks[i]}:count", state.Counts[i]);
            if (state.Warned[i])
            {
                await redis.StringSetAsync($"webhooks:{table}:{state.Hooks[i]}:warned", "1");
            }
        }

        if (state.Current is { } current)
        {
            await redis.StringSetAsync($"webhooks:{table}:current", current);
        }

        if (state.Exhausted)
        {
            await redis.StringSetAsync($"webhooks:{table}:exhausted", "1");
        }
    }
}
