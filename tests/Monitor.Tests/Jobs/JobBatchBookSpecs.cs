using System.Text.Json;
using ClayBus.Contracts.Delivery;
using ClayBus.Monitor.Jobs;
using ClayBus.Monitor.Persistence;
using MassTransit;

namespace ClayBus.Monitor.Tests.Jobs;

/// <summary>The job's counted batches live beside the saga: the saga's size does not grow with the batches.</summary>
public class JobBatchBookSpecs
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Should_keep_the_stored_saga_the_same_size_for_200_and_20000_batches()
    {
        var small = Delivered(batches: 200);
        var large = Delivered(batches: 20_000);

        Assert.Equal(20_000 * 50, large.RowsDelivered);
        var ratio = (double)JsonSerializer.Serialize(large, Json).Length / JsonSerializer.Serialize(small, Json).Length;
        Assert.InRange(ratio, 0.9, 1.1);
    }

    [Fact]
    public void Should_name_only_the_batch_of_the_message_to_load()
    {
        var job = new JobMessages(Guid.NewGuid());
        var fault = new FaultMessage(job.Batch(1));

        Assert.Equal([job.BatchId(0).ToString("N")], JobBatchBook.FieldsFor(job.Delivered(0)));
        Assert.Equal([job.BatchId(1).ToString("N")], JobBatchBook.FieldsFor(fault));
        Assert.Empty(JobBatchBook.FieldsFor(job.Progress(enriched: 1)));
    }

    [Fact]
    public void Should_count_a_batch_once_when_its_mark_was_loaded_from_the_store()
    {
        var job = new JobMessages(Guid.NewGuid());
        var first = new JobState();
        JobFigures.Delivered(first, job.Delivered(0));
        var stored = ((ISagaMarks)first).PendingMarks.ToDictionary();

        var reloaded = new JobState();
        ((ISagaMarks)reloaded).MarksLoaded(stored);

        Assert.False(JobFigures.IsNew(reloaded, job.Delivered(0)));
        Assert.False(JobFigures.Delivered(reloaded, job.Delivered(0)));
        Assert.False(JobFigures.DeadLettered(reloaded, job.Batch(0), DateTimeOffset.UtcNow));
        Assert.Equal(0, reloaded.RowsDelivered);
    }

    [Fact]
    public void Should_move_the_requeued_rows_counted_by_a_stored_dead_letter_mark()
    {
        var job = new JobMessages(Guid.NewGuid(), rows: 6, rowsPerBatch: 3);
        var first = new JobState();
        JobFigures.DeadLettered(first, job.Batch(0), DateTimeOffset.UtcNow);
        var reloaded = JsonSerializer.Deserialize<JobState>(JsonSerializer.Serialize(first, Json), Json)!;
        ((ISagaMarks)reloaded).MarksLoaded(((ISagaMarks)first).PendingMarks.ToDictionary());

        Assert.True(JobFigures.Delivered(reloaded, job.Delivered(0)));

        var table = reloaded.Tables[job.Table];
        Assert.Equal((3, 0, 0, 3), (table.RowsDelivered, table.RowsDeadLettered, table.BatchesDeadLettered, table.RowsRequeued));
        Assert.Equal("d", ((ISagaMarks)reloaded).PendingMarks[job.BatchId(0).ToString("N")]);
    }

    [Fact]
    public void Should_load_a_saga_stored_with_batch_sets_and_move_them_into_the_book()
    {
        var job = new JobMessages(Guid.NewGuid(), rows: 6, rowsPerBatch: 2);
        var old = $$$"""
            {"correlationId":"{{{job.JobId}}}","version":3,"currentState":"Delivering",
             "tables":{"{{{job.Table}}}":{"rowsDelivered":2,"batchesDelivered":1,"rowsDeadLettered":2,"batchesDeadLettered":1}},
             "deliveredBatches":["{{{job.BatchId(0)}}}"],"deadLetteredBatches":["{{{job.BatchId(1)}}}"],
             "deadLetteredBatchRows":{"{{{job.BatchId(1)}}}":2}}
            """;
        var state = JsonSerializer.Deserialize<JobState>(old, Json)!;

        ((ISagaMarks)state).MarksLoaded(new Dictionary<string, string>());

        Assert.False(JobFigures.Delivered(state, job.Delivered(0)));
        Assert.True(JobFigures.Delivered(state, job.Delivered(1)));
        var table = state.Tables[job.Table];
        Assert.Equal((4, 0, 2), (table.RowsDelivered, table.RowsDeadLettered, table.RowsRequeued));
        Assert.Equal(2, ((ISagaMarks)state).PendingMarks.Count);
        Assert.DoesNotContain("deliveredBatches", JsonSerializer.Serialize(state, Json), StringComparison.Ordinal);
    }

    private static JobState Delivered(int batches)
    {
        var jobId = Guid.NewGuid();
        var rows = Enumerable.Range(0, 50).Select(i => $"row-{i}").ToList();
        var state = new JobState { CorrelationId = jobId, CurrentState = "Delivering" };
        JobFigures.Open(state, DateTimeOffset.UtcNow);
        for (var batch = 0; batch < batches; batch++)
        {
            JobFigures.Delivered(state, new BatchDelivered(jobId, Guid.NewGuid(), "people", rows, [], "…abc123", batch, 50_000, 100m, DateTimeOffset.UtcNow));
            ((ISagaMarks)state).MarksWritten();
        }

        return state;
    }

    private sealed record FaultMessage(DeliverBatch Message) : Fault<DeliverBatch>
    {
        public Guid FaultId => Guid.Empty;

        public Guid? FaultedMessageId => null;

        public DateTime Timestamp => DateTime.UtcNow;

        public ExceptionInfo[] Exceptions => [];

        public HostInfo Host => null!;

        public string[] FaultMessageTypes => [];
    }
}
