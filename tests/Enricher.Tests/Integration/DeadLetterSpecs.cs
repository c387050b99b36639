using System.Text.Json;
using ClayBus.Contracts.Delivery;
using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Testing;
using MassTransit;

namespace ClayBus.Enricher.Tests.Integration;

[Trait("Category", "Integration")]
public sealed class DeadLetterSpecs(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>
{
    private const string ErrorQueue = "deliver-batch_error";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Should_dead_letter_a_batch_Clay_refuses_at_once_with_its_reason()
    {
        var table = Table();
        await fixture.Sim.CreateTableAsync(table);
        var hook = await fixture.Sim.CreateWebhookAsync(table);
        await fixture.Sim.DeleteWebhookAsync(hook.Id);
        await using var host = EnricherHost.Start(fixture, EnricherHost.Webhooks(table, [hook]));
        var batch = EnricherHost.Batch(table, 5);
        var before = await fixture.Sim.TotalAsync("responses404");

        await fixture.Bus.PublishAsync(batch);

        var dead = await Eventually.Value(() => DeadLetterAsync(batch.BatchId), message => message is not null, Deadline, "the batch in deliver-batch_error");
        var headers = dead!.Value.GetProperty("properties").GetProperty("headers");
        Assert.Equal(typeof(ClayBus.Enricher.ClayClient.ClayRejectedException).FullName, headers.GetProperty("MT-Fault-ExceptionType").GetString());
        Assert.Contains("404", headers.GetProperty("MT-Fault-Message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(hook.Id, dead.Value.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, headers.TryGetProperty("MT-Fault-RetryCount", out var retries) ? retries.GetInt32() : 0);
        // Never retried: Clay saw the request once.
        Assert.Equal(before + 1, await fixture.Sim.TotalAsync("responses404"));
        await Eventually.Until(() => fixture.Bus.Seen<Fault<DeliverBatch>>().Any(f => f.Message.BatchId == batch.BatchId), Deadline, "Fault<DeliverBatch>");
    }

    [Fact]
    public async Task Should_deliver_a_batch_moved_back_from_the_error_queue_exactly_once()
    {
        var table = Table();
        await fixture.Sim.CreateTableAsync(table);
        var hook = await fixture.Sim.CreateWebhookAsync(table);
        await DrainErrorQueueAsync();
        // The table is not configured yet: the batch is poison until an operator adds its webhook.
        await using var host = EnricherHost.Start(fixture, new Dictionary<string, string?>());
        var batch = EnricherHost.Batch(table, 12);

        await fixture.Bus.PublishAsync(batch);
        var dead = await Eventually.Value(() => DeadLetterAsync(batch.BatchId), message => message is not null, Deadline, "the batch in deliver-batch_error");
        Assert.Contains("is not configured", dead!.Value.GetProperty("properties").GetProperty("headers").GetProperty("MT-Fault-Message").GetString(), StringComparison.Ordinal);

        host.Settings.Set(EnricherHost.Webhooks(table, [hook]));
        await fixture.MoveMessagesAsync(ErrorQueue, "deliver-batch");

        await Eventually.Until(() => fixture.Bus.Seen<BatchDelivered>().Any(d => d.BatchId == batch.BatchId), Deadline, "the requeued batch delivered");
        await Eventually.Until(async () => await fixture.Rabbit.QueueDepthAsync(ErrorQueue) == 0 && await fixture.Rabbit.QueueDepthAsync("deliver-batch") == 0, Deadline, "both queues empty");
        Assert.Equal(12, await fixture.Sim.TableCounterAsync(table, "recordsAccepted"));
        Assert.Equal(0, await fixture.Sim.TableCounterAsync(table, "duplicateRowIds"));
        Assert.Single(fixture.Bus.Seen<BatchDelivered>(), d => d.BatchId == batch.BatchId);
    }

    private async Task<JsonElement?> DeadLetterAsync(Guid batchId)
    {
        foreach (var message in await fixture.PeekAsync(ErrorQueue))
        {
            if (message.GetProperty("payload").GetString()!.Contains(batchId.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                return message;
            }
        }

        return null;
    }

    private async Task DrainErrorQueueAsync()
    {
        using var response = await fixture.Rabbit.Management.DeleteAsync($"queues/{fixture.Rabbit.EscapedName}/{ErrorQueue}/contents");
        // The queue does not exist before the first dead letter.
        Assert.True(response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.NotFound, $"purge answered {response.StatusCode}");
    }

    private static string Table() => $"t-{Guid.NewGuid():N}"[..14];
}
