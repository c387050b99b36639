using ClayBus.Monitor.Lineage;

namespace ClayBus.Monitor.Tests.Lineage;

/// <summary>The split row and batch hashes read back whole, and rows written by the layouts before them still read.</summary>
public sealed class RowFieldsSpecs
{
    private static readonly Guid Job = Guid.Parse("0b4f6f3e-95a1-4c1e-9d7a-2f1c5b9e7a10");
    private static readonly Guid Batch = Guid.Parse("7c2d1e4f-8a9b-4c3d-a1e2-f3b4c5d6e7f8");
    private static readonly DateTimeOffset SentAt = new(2026, 12, 6, 15, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void Should_read_a_compact_row()
    {
        var row = new Dictionary<string, string>
        {
            [RowFields.Job] = Job.ToString("N"),
            [RowFields.Table] = "inbound-leads",
            [RowFields.Batch] = Batch.ToString("N"),
            [RowFields.Webhook] = "…a1b2c3",
            [RowFields.SentAt] = RowFields.Time(SentAt),
            [RowFields.CreditsReserved] = "5",
            [RowFields.Mark] = "1",
            [RowFields.Outcome] = "enriched",
            [RowFields.Provider] = "apollo",
            [RowFields.DataCredits] = "4.5",
            [RowFields.Actions] = "3",
            [RowFields.CalledBackAt] = RowFields.Time(SentAt.AddSeconds(7)),
            [RowFields.Callbacks] = "2",
        };

        var lineage = RowFields.ToLineage("r1", row);

        Assert.Equal(new RowLineage("r1", Job, "inbound-leads", Batch, "…a1b2c3", SentAt, 5m, "enriched", "apollo", 4.5m, 3, SentAt.AddSeconds(7), 2, null, null), lineage);
    }

    [Fact]
    public void Should_read_a_row_written_before_the_compact_layout()
    {
        var row = new Dictionary<string, string>
        {
            ["job"] = Job.ToString(),
            ["table"] = "inbound-leads",
            ["batch"] = Batch.ToString(),
            ["webhook"] = "…a1b2c3",
            ["sentAt"] = SentAt.ToString("O"),
            ["creditsReserved"] = "5",
            ["outcome"] = "no_data",
            ["provider"] = "",
            ["dataCredits"] = "0",
            ["actions"] = "1",
            ["calledBackAt"] = RowFields.Time(SentAt.AddSeconds(7)),
            ["callbacks"] = "1",
            ["callbackJob"] = Job.ToString(),
            ["callbackNotes"] = "status: inferred",
            ["creditsUnknown"] = "1",
        };

        var lineage = RowFields.ToLineage("r1", row);

        Assert.Equal(new RowLineage("r1", Job, "inbound-leads", Batch, "…a1b2c3", SentAt, 5m, "no_data", null, 0m, 1, SentAt.AddSeconds(7), 1, null, null, "status: inferred", true), lineage);
    }

    [Fact]
    public void Should_say_dead_lettered_for_a_row_with_no_callback_and_a_dead_letter()
    {
        var row = new Dictionary<string, string>
        {
            [RowFields.Job] = Job.ToString("N"),
            [RowFields.DeadLetteredAt] = RowFields.Time(SentAt),
            [RowFields.DeadLetterReason] = "table 'x' is not configured",
        };

        var lineage = RowFields.ToLineage("r1", row);

        Assert.Equal("dead_lettered", lineage.Outcome);
        Assert.Equal(SentAt, lineage.DeadLetteredAt);
        Assert.Equal("awaiting_callback", RowFields.ToLineage("r2", new Dictionary<string, string> { [RowFields.Job] = Job.ToString("N") }).Outcome);
    }

    [Fact]
    public void Should_read_a_split_row_with_its_batch_and_count_the_first_callback_by_its_mark()
    {
        var row = new Dictionary<string, string>
        {
            [RowFields.Batch] = RowFields.BatchRef(Batch),
            [RowFields.RowNumber] = "17",
            [RowFields.Mark] = "1",
            [RowFields.Outcome] = "enriched",
            [RowFields.Provider] = "apollo",
            [RowFields.DataCredits] = "4.5",
            [RowFields.Actions] = "3",
            [RowFields.CalledBackAt] = RowFields.Time(SentAt.AddSeconds(7)),
        };
        var batch = new Dictionary<string, string>
        {
            [RowFields.Job] = Job.ToString("N"),
            [RowFields.Table] = "inbound-leads",
            [RowFields.Webhook] = "…a1b2c3",
            [RowFields.SentAt] = RowFields.Time(SentAt),
            [RowFields.CreditsReserved] = "5",
            [RowFields.Source] = "crm-sync",
            [RowFields.FileName] = "leads.csv",
        };

        Assert.True(RowFields.IsSplit(row));
        Assert.Equal(
            new RowLineage("r1", Job, "inbound-leads", Batch, "…a1b2c3", SentAt, 5m, "enriched", "apollo", 4.5m, 3, SentAt.AddSeconds(7), 1, null, null, null, false, "crm-sync", "leads.csv", 17),
            RowFields.ToLineage("r1", row, batch));
        Assert.Equal(3, RowFields.ToLineage("r1", new Dictionary<string, string>(row) { [RowFields.Callbacks] = "2" }, batch).Callbacks);
    }

    [Fact]
    public void Should_name_a_batch_in_22_characters_and_read_both_forms_back()
    {
        var reference = RowFields.BatchRef(Batch);

        Assert.Equal(22, reference.Length);
        Assert.DoesNotContain(reference, c => c is '+' or '/' or '=');
        Assert.Equal(Batch, RowFields.BatchId(reference));
        Assert.Equal(Batch, RowFields.BatchId(Batch.ToString("N")));
        Assert.Null(RowFields.BatchId("not-a-batch"));
    }
}
