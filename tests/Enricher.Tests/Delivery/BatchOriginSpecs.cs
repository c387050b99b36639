using System.Text.Json;
using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Enricher.Delivery;

namespace ClayBus.Enricher.Tests.Delivery;

/// <summary>Delivery notices pass the batch's origin on to the Monitor's lineage, with the number of each row they name.</summary>
public sealed class BatchOriginSpecs
{
    private static readonly DeliverBatch Batch = new(
        Guid.NewGuid(), Guid.NewGuid(), "people", JobPriority.Normal,
        [new BatchRow("r1", 7, new Dictionary<string, JsonElement>()), new BatchRow("r2", 9, new Dictionary<string, JsonElement>())],
        12m, DateTimeOffset.UnixEpoch, "crm-sync", "leads.csv");

    [Fact]
    public void Should_number_only_the_rows_named()
    {
        Assert.Equal(new Dictionary<string, int> { ["r2"] = 9 }, BatchOrigin.RowNumbers(Batch, ["r2"]));
    }

    [Fact]
    public void Should_announce_an_unconfirmed_send_with_the_batchs_origin()
    {
        var notice = BatchOrigin.Unconfirmed(Batch, ["r1"], "…abc123", DateTimeOffset.UnixEpoch);

        Assert.Equal(("crm-sync", "leads.csv", 7), (notice.Source, notice.FileName, notice.RowNumbers!["r1"]));
        Assert.Equal((Batch.JobId, Batch.BatchId, "people"), (notice.JobId, notice.BatchId, notice.TableKey));
    }
}
