using ClayBus.Monitor.Jobs;

namespace ClayBus.Monitor.Tests.Jobs;

/// <summary>The stuck job's likely cause names a full table or a spent webhook pool when that is what happened.</summary>
public class StuckCauseSpecs
{
    private readonly JobMessages _job = new(Guid.NewGuid(), rows: 4, rowsPerBatch: 2);
    private readonly JobState _state = new() { CurrentState = "Delivering" };
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    public StuckCauseSpecs()
    {
        JobFigures.Open(_state, _now.AddHours(-2));
        JobFigures.Submitted(_state, _job.Submitted());
    }

    [Fact]
    public void Should_name_a_full_table_whose_rows_wait()
    {
        JobFigures.Delivered(_state, _job.Delivered(0, at: _now.AddMinutes(-50)));
        var full = Block(TableBlockKind.TableFull, _now.AddMinutes(-45), "45000 rows sent of 45000");

        var cause = JobPhaseRules.LikelyCause(_state, _now, [full]);

        Assert.StartsWith($"table {_job.Table} is full", cause, StringComparison.Ordinal);
        Assert.Contains("2 of its rows wait", cause, StringComparison.Ordinal);
        Assert.Contains("auto-delete", cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_a_spent_webhook_pool_and_the_key_to_fix()
    {
        var spent = Block(TableBlockKind.WebhookPoolExhausted, _now.AddMinutes(-40), "2 webhooks");

        var cause = JobPhaseRules.LikelyCause(_state, _now, [spent]);

        Assert.StartsWith($"every webhook of table {_job.Table} is spent", cause, StringComparison.Ordinal);
        Assert.Contains($"Tables:{_job.Table}:Webhooks", cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_not_blame_a_block_the_table_has_delivered_since()
    {
        var full = Block(TableBlockKind.TableFull, _now.AddMinutes(-50), "45000 rows sent of 45000");
        JobFigures.Delivered(_state, _job.Delivered(0, at: _now.AddMinutes(-45)));

        Assert.StartsWith("batches not delivered", JobPhaseRules.LikelyCause(_state, _now, [full]), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_not_blame_a_block_of_another_table_or_a_table_with_nothing_left_to_send()
    {
        JobFigures.Delivered(_state, _job.Delivered(0, at: _now.AddMinutes(-50)));
        JobFigures.Delivered(_state, _job.Delivered(1, at: _now.AddMinutes(-50)));
        var other = new TableBlock("companies", TableBlockKind.TableFull, _now.AddMinutes(-40), "45000 rows sent of 45000");
        var late = Block(TableBlockKind.TableFull, _now.AddMinutes(-40), "45000 rows sent of 45000");

        Assert.StartsWith("callback column misconfigured", JobPhaseRules.LikelyCause(_state, _now, [other, late]), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_suspect_a_silently_exhausted_webhook_at_the_rotation_point()
    {
        // The Enricher rotates at 45,000 of 50,000: a job never sees a webhook past 90% of its cap.
        JobFigures.Delivered(_state, _job.Delivered(0, webhookUsed: 45_000, webhookCap: 50_000, at: _now.AddMinutes(-50)));
        JobFigures.Delivered(_state, _job.Delivered(1, webhookUsed: 44_990, webhookCap: 50_000, at: _now.AddMinutes(-50)));

        Assert.StartsWith("webhook possibly exhausted silently", JobPhaseRules.LikelyCause(_state, _now), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_not_suspect_a_webhook_well_below_the_rotation_point()
    {
        JobFigures.Delivered(_state, _job.Delivered(0, webhookUsed: 40_000, webhookCap: 50_000, at: _now.AddMinutes(-50)));
        JobFigures.Delivered(_state, _job.Delivered(1, webhookUsed: 40_002, webhookCap: 50_000, at: _now.AddMinutes(-50)));

        Assert.StartsWith("callback column misconfigured", JobPhaseRules.LikelyCause(_state, _now), StringComparison.Ordinal);
    }

    private TableBlock Block(TableBlockKind kind, DateTimeOffset at, string detail) => new(_job.Table, kind, at, detail);
}

/// <summary>The blocks a test announces, for the state machine's stuck check on the in-memory harness.</summary>
public sealed class FakeTableBlocks : ITableBlockReader
{
    public List<TableBlock> Blocks { get; } = [];

    public Task<IReadOnlyList<TableBlock>> ReadAsync(IReadOnlyCollection<string> tableKeys) =>
        Task.FromResult<IReadOnlyList<TableBlock>>([.. Blocks.Where(b => tableKeys.Contains(b.TableKey))]);
}
