using System.Globalization;
using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Callbacks;
using ClayBus.Monitor.Lineage;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.Testing;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Monitor.Tests.Lineage;

/// <summary>
/// The batch/row split against the real Redis: a row's story (with its source) reads back whole, its callback is
/// judged by its batch's job and table, a row of the layout before the split still settles, and a finished row stays
/// a small listpack.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RowLineageStoreSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private static readonly DateTimeOffset SentAt = new(2026, 12, 6, 15, 0, 0, 123, TimeSpan.Zero);

    private readonly RedisKeyspace _redis = new(
        infrastructure.Redis.Connection,
        Options.Create(new RedisOptions { KeyPrefix = infrastructure.Redis.Prefix + Guid.NewGuid().ToString("N")[..8] + ":" }));

    private CallbackStore Ledger => new(_redis, Options.Create(new CallbackOptions()));

    private RowLineageStore Store => new(_redis, Options.Create(new CallbackOptions()));

    [Fact]
    public async Task Should_read_where_a_row_came_from_and_what_its_callback_charged()
    {
        var (job, batch, rows) = (Guid.NewGuid(), Guid.NewGuid(), Rows(3));
        await Store.Delivered(Delivered(job, batch, rows));

        var callback = Enriched(rows[1], job, 4.5m, 3);
        Assert.Equal(CallbackRecord.New, (await Ledger.Record(callback, job, "people", SentAt.AddSeconds(7))).Record);
        await Ledger.MarkPublished(callback, job);
        Assert.Equal(CallbackRecord.Duplicate, (await Ledger.Record(callback, job, "people", SentAt.AddSeconds(9))).Record);

        var lineage = await Store.Lineage(rows[1]);
        Assert.Equal(
            new RowLineage(rows[1], job, "people", batch, "…a1b2c3", SentAt, 2m, "enriched", "apollo", 4.5m, 3, SentAt.AddSeconds(7), 2, null, null, null, false, "crm-sync (hubspot)", "leads-december.csv", 12),
            lineage);
        Assert.Equal("awaiting_callback", (await Store.Lineage(rows[2]))!.Outcome);
        Assert.Null(await Store.Lineage("never-" + Guid.NewGuid().ToString("N")));
    }

    [Fact]
    public async Task Should_judge_a_callback_by_its_batch_and_refuse_another_job_or_table()
    {
        var (job, rows) = (Guid.NewGuid(), Rows(1));
        await Store.Delivered(Delivered(job, Guid.NewGuid(), rows));
        var other = Guid.NewGuid();

        Assert.Equal(CallbackRecord.ForgedOtherJob, (await Ledger.Record(Enriched(rows[0], other, 1m, 1), other, "people", SentAt)).Record);
        Assert.Equal(CallbackRecord.ForgedOtherTable, (await Ledger.Record(Enriched(rows[0], job, 1m, 1), job, "companies", SentAt)).Record);
        var jobless = await Ledger.Record(Enriched(rows[0], null, 1m, 1), null, "people", SentAt);
        Assert.Equal(CallbackRecord.JobFromDelivery, jobless.Record);
        Assert.Equal(job, jobless.DeliveredJob);
        Assert.Equal("awaiting_callback", (await Store.Lineage(rows[0]))!.Outcome);
    }

    [Fact]
    public async Task Should_settle_and_read_a_row_written_before_the_split()
    {
        var (job, batch, rowId) = (Guid.NewGuid(), Guid.NewGuid(), Rows(1)[0]);
        await _redis.Database.HashSetAsync(CallbackStore.RowKey(rowId),
        [
            new(RowFields.Job, job.ToString("N")), new(RowFields.Table, "people"), new(RowFields.Batch, batch.ToString("N")),
            new(RowFields.Webhook, "…old001"), new(RowFields.SentAt, RowFields.Time(SentAt)), new(RowFields.CreditsReserved, "5"),
        ]);

        var callback = Enriched(rowId, job, 3m, 2);
        Assert.Equal(CallbackRecord.New, (await Ledger.Record(callback, job, "people", SentAt.AddSeconds(5))).Record);
        var repeat = await Ledger.Record(callback with { DataCredits = 9m }, job, "people", SentAt.AddSeconds(6));

        Assert.Equal(CallbackRecord.DuplicateUnpublished, repeat.Record);
        Assert.Equal(3m, repeat.Settled!.DataCredits);
        Assert.Equal(
            new RowLineage(rowId, job, "people", batch, "…old001", SentAt, 5m, "enriched", "apollo", 3m, 2, SentAt.AddSeconds(5), 2, null, null),
            await Store.Lineage(rowId));
        Assert.Equal(1, (await Ledger.TakeProgress(job))!.Tables["people"].Enriched);
    }

    [Fact]
    public async Task Should_record_a_dead_lettered_batch_once_with_its_rows_source()
    {
        var (job, batch, rows) = (Guid.NewGuid(), Guid.NewGuid(), Rows(2));
        var deliver = new DeliverBatch(job, batch, "people", JobPriority.Normal, [.. rows.Select((id, i) => new BatchRow(id, 40 + i, new Dictionary<string, System.Text.Json.JsonElement>()))], 4m, SentAt, "crm-sync", null);

        Assert.True(await Store.DeadLettered(deliver, "table 'people' is not configured", SentAt));
        Assert.False(await Store.DeadLettered(deliver, "table 'people' is not configured", SentAt.AddSeconds(1)));

        var lineage = (await Store.Lineage(rows[1]))!;
        Assert.Equal(("dead_lettered", SentAt, "table 'people' is not configured"), (lineage.Outcome, lineage.DeadLetteredAt, lineage.DeadLetterReason));
        Assert.Equal(("crm-sync", (string?)null, 41, (Guid?)job), (lineage.Source, lineage.FileName, lineage.RowNumber, lineage.JobId));
    }

    [Fact]
    public async Task Should_keep_a_finished_row_in_a_small_listpack_with_the_retention()
    {
        // A production-length prefix (the fixture's is 50 characters, and every key name pays for it); removed below.
        var redis = new RedisKeyspace(infrastructure.Redis.Connection, Options.Create(new RedisOptions { KeyPrefix = "lt" + Guid.NewGuid().ToString("N")[..4] + ":" }));
        var (ledger, store) = (new CallbackStore(redis, Options.Create(new CallbackOptions())), new RowLineageStore(redis, Options.Create(new CallbackOptions())));
        var (job, batch, rows) = (Guid.NewGuid(), Guid.NewGuid(), Rows(1));
        var key = (RedisKey)(redis.Prefix + "row:" + rows[0]);
        var database = infrastructure.Redis.Connection.GetDatabase();
        try
        {
            await redis.Database.HashSetAsync(CallbackStore.RowKey(rows[0]), "q", "s|1765000000");
            await store.Delivered(Delivered(job, batch, rows) with { RowNumbers = new Dictionary<string, int> { [rows[0]] = 12_345 } });
            var callback = Enriched(rows[0], job, 3.5m, 4) with { SuccessfulProvider = "people_data_labs" };
            await ledger.Record(callback, job, "people", SentAt);
            await ledger.MarkPublished(callback, job);

            var bytes = (long)await database.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0");
            Assert.Equal("listpack", (string?)await database.ExecuteAsync("OBJECT", "ENCODING", key));
            Assert.True(bytes <= 216, $"a finished row takes {bytes.ToString(CultureInfo.InvariantCulture)} B, more than the 216 B the ≤ 300 B a row budget leaves it beside the Enricher's claim");
            var ttl = await database.KeyTimeToLiveAsync(key);
            Assert.InRange(ttl!.Value, new CallbackOptions().RowRetention - TimeSpan.FromMinutes(1), new CallbackOptions().RowRetention);
            Assert.Equal(3.5m, (await store.Lineage(rows[0]))!.DataCredits);
        }
        finally
        {
            await database.KeyDeleteAsync([key, redis.Prefix + "batch:" + RowFields.BatchRef(batch), redis.Prefix + "progress:" + job.ToString("N"), redis.Prefix + CallbackStore.DirtyJobsKey]);
        }
    }

    private static string[] Rows(int count) => [.. Enumerable.Range(0, count).Select(_ => Guid.NewGuid().ToString("N"))];

    private static BatchDelivered Delivered(Guid job, Guid batch, string[] rows) =>
        new(job, batch, "people", rows, [], "…a1b2c3", rows.Length, 50_000, rows.Length * 2m, SentAt, "crm-sync (hubspot)", "leads-december.csv",
            rows.Select((id, i) => (id, i)).ToDictionary(pair => pair.id, pair => 11 + pair.i));

    private static ClayCallback Enriched(string rowId, Guid? job, decimal credits, int actions) =>
        new(rowId, job, ClayCallback.Enriched, "apollo", [new ProviderOutcome("apollo", ProviderResult.Hit, credits)], credits, actions);
}
