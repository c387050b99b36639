using System.Text.Json;
using ClayBus.Monitor.Tests.Integration;
using ClayBus.Monitor.Tests.Jobs;
using ClayBus.Testing;
using MassTransit;

namespace ClayBus.Monitor.Tests.Persistence;

/// <summary>The job saga's counted batches in the real Redis: beside the saga, once per batch, old sagas still load.</summary>
[Trait("Category", "Integration")]
public sealed class SagaMarksSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_count_a_redelivered_batch_once_and_keep_its_id_out_of_the_saga()
    {
        var job = new JobMessages(NewId.NextGuid(), rows: 6, rowsPerBatch: 2);
        await using var monitor = await MonitorHost.StartAsync(infrastructure);

        await monitor.Bus.Publish(job.Delivered(0));
        await monitor.JobWhere(job.JobId, j => j.RowsDelivered == 2, "the first batch counted");
        await monitor.Bus.Publish(job.Delivered(0));
        await monitor.Bus.Publish(job.Delivered(1));

        var state = await monitor.JobWhere(job.JobId, j => j.Tables[job.Table].BatchesDelivered >= 2, "the second batch counted");
        await monitor.Bus.Publish(job.Delivered(1));
        await monitor.Bus.Publish(job.Delivered(2));
        state = await monitor.JobWhere(job.JobId, j => j.Tables[job.Table].BatchesDelivered >= 3, "the third batch counted");

        Assert.Equal((6, 3), (state.RowsDelivered, state.Tables[job.Table].BatchesDelivered));
        var saga = (string?)await infrastructure.Redis.Database.HashGetAsync(Key(job.JobId), "d");
        Assert.DoesNotContain(job.BatchId(0).ToString(), saga!, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(job.BatchId(0).ToString("N"), saga!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(3, await infrastructure.Redis.Database.HashLengthAsync(Key(job.JobId) + ":marks"));
    }

    [Fact]
    public async Task Should_load_a_saga_stored_with_batch_sets_and_still_count_each_batch_once()
    {
        var job = new JobMessages(NewId.NextGuid(), rows: 6, rowsPerBatch: 2);
        var old = $$$"""
            {"correlationId":"{{{job.JobId}}}","version":3,"currentState":"Delivering","createdAt":"{{{DateTimeOffset.UtcNow:O}}}",
             "lastProgressAt":"{{{DateTimeOffset.UtcNow:O}}}",
             "tables":{"{{{job.Table}}}":{"rowsDelivered":2,"batchesDelivered":1,"rowsDeadLettered":2,"batchesDeadLettered":1}},
             "deliveredBatches":["{{{job.BatchId(0)}}}"],"deadLetteredBatches":["{{{job.BatchId(1)}}}"],
             "deadLetteredBatchRows":{"{{{job.BatchId(1)}}}":2}}
            """;
        await infrastructure.Redis.Database.HashSetAsync(Key(job.JobId), [new("v", 3), new("d", JsonDocument.Parse(old).RootElement.GetRawText())]);
        await using var monitor = await MonitorHost.StartAsync(infrastructure);

        await monitor.Bus.Publish(job.Delivered(0));
        await monitor.Bus.Publish(job.Delivered(1));
        var state = await monitor.JobWhere(job.JobId, j => j.Tables[job.Table].RowsRequeued == 2, "the requeued batch counted");
        await monitor.Bus.Publish(job.Delivered(0));
        await monitor.Bus.Publish(job.Delivered(2));
        state = await monitor.JobWhere(job.JobId, j => j.Tables[job.Table].BatchesDelivered >= 3, "the last batch counted");

        var table = state.Tables[job.Table];
        Assert.Equal((6, 3, 0, 2), (table.RowsDelivered, table.BatchesDelivered, table.RowsDeadLettered, table.RowsRequeued));
        Assert.Null(state.DeliveredBatches);
        Assert.Equal(3, await infrastructure.Redis.Database.HashLengthAsync(Key(job.JobId) + ":marks"));
    }

    private string Key(Guid jobId) => $"{infrastructure.Redis.Prefix}saga:job:{jobId:N}";
}
