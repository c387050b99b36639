using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Submitter.Batching;
using ClayBus.Submitter.Ingest;
using ClayBus.Submitter.Validation;

namespace ClayBus.Submitter.Tests.Batching;

public class BatchBuilderSpecs
{
    [Fact]
    public void Should_close_batches_at_the_row_limit_per_table()
    {
        var builder = new BatchBuilder(Guid.NewGuid(), JobPriority.High, new BatchingOptions { MaxRows = 50 }, TimeProvider.System);
        var closed = new List<DeliverBatch>();
        for (var index = 0; index < 120; index++)
        {
            closed.AddRange(Add(builder, index % 2 == 0 ? "a" : "b", index, 6m));
        }

        closed.AddRange(builder.Flush());

        Assert.Equal([50, 10, 50, 10], closed.OrderBy(batch => batch.TableKey).ThenByDescending(batch => batch.Rows.Count).Select(batch => batch.Rows.Count));
        Assert.All(closed, batch => Assert.Equal(JobPriority.High, batch.Priority));
        Assert.Equal(120 * 6m, closed.Sum(batch => batch.EstimatedCredits));
        Assert.Equal(120, closed.SelectMany(batch => batch.Rows).Select(row => row.RowId).Distinct().Count());
    }

    [Fact]
    public void Should_close_batches_before_they_pass_the_byte_limit()
    {
        var options = new BatchingOptions { MaxRows = 50, MaxBatchBytes = 92_160 };
        var builder = new BatchBuilder(Guid.NewGuid(), JobPriority.Normal, options, TimeProvider.System);
        var closed = new List<DeliverBatch>();
        for (var index = 0; index < 40; index++)
        {
            closed.AddRange(Add(builder, "a", index, 6m, notes: new string('n', 10_000)));
        }

        closed.AddRange(builder.Flush());

        Assert.True(closed.Count >= 5);
        Assert.All(closed, batch =>
        {
            var bytes = 2 + batch.Rows.Sum(row => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(row.Fields).Length + BatchingOptions.PerRowOverheadBytes + 1);
            Assert.True(bytes <= options.MaxBatchBytes, $"batch of {bytes} bytes");
        });
        Assert.Equal(40, closed.Sum(batch => batch.Rows.Count));
    }

    [Fact]
    public void Should_carry_the_jobs_source_file_and_row_numbers_in_every_batch()
    {
        var builder = new BatchBuilder(Guid.NewGuid(), JobPriority.Normal, new BatchingOptions { MaxRows = 2 }, TimeProvider.System, "crm-sync", "leads.csv");
        var closed = new List<DeliverBatch>();
        for (var index = 0; index < 3; index++)
        {
            closed.AddRange(Add(builder, "a", index, 6m));
        }

        closed.AddRange(builder.Flush());

        Assert.All(closed, batch => Assert.Equal(("crm-sync", "leads.csv"), (batch.Source, batch.FileName)));
        Assert.Equal([1, 2, 3], closed.SelectMany(batch => batch.Rows).Select(row => row.RowNumber));
    }

    [Theory]
    [InlineData(null, "amqp", "amqp")]
    [InlineData("crm-sync", "http", "crm-sync")]
    [InlineData("crm-sync", "csv", "crm-sync")]
    [InlineData("crm-sync", "hubspot", "crm-sync (hubspot)")]
    public void Should_name_the_jobs_origin_by_its_api_key_and_the_source_it_named(string? apiKey, string source, string origin) =>
        Assert.Equal(origin, new JobRequest(null, JobPriority.Normal, null, false, source) { SubmittedBy = apiKey }.Origin);

    private static IEnumerable<DeliverBatch> Add(BatchBuilder builder, string table, int index, decimal credits, string? notes = null)
    {
        var fields = new List<InputField> { new("email", $"lead{index}@acme{index}.com") };
        if (notes is not null)
        {
            fields.Add(new InputField("notes", notes));
        }

        var lead = new LeadNormaliser(90_000).Normalise(new InputRow(index + 1, fields)).Lead!;
        var closed = builder.Add(table, credits, $"row-{index}", lead);
        return closed is null ? [] : [closed];
    }
}
