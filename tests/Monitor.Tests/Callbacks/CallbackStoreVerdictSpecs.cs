using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Callbacks;
using ClayBus.Monitor.Lineage;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.Testing;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Tests.Callbacks;

/// <summary>The ledger's Lua executes <see cref="CallbackVerdict.OfDelivery"/>: the same cases, against the real Redis.</summary>
[Trait("Category", "Integration")]
public sealed class CallbackStoreVerdictSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private readonly RedisKeyspace _redis = new(
        infrastructure.Redis.Connection,
        Options.Create(new RedisOptions { KeyPrefix = infrastructure.Redis.Prefix + Guid.NewGuid().ToString("N")[..8] + ":" }));

    private CallbackStore Ledger => new(_redis, Options.Create(new CallbackOptions()));

    [Theory]
    [MemberData(nameof(CallbackVerdictSpecs.DeliveryCases), MemberType = typeof(CallbackVerdictSpecs))]
    public async Task Should_decide_as_the_verdict_and_move_nothing_unless_it_settles(string job, string table, bool delivered, CallbackVerdictKind expected)
    {
        var deliveredJob = Guid.NewGuid();
        var rowId = "row-" + Guid.NewGuid().ToString("N");
        if (delivered)
        {
            await _redis.Database.HashSetAsync(CallbackStore.RowKey(rowId), [new("job", deliveredJob.ToString()), new("table", "people")]);
        }

        var named = CallbackVerdictSpecs.JobNamed(job, deliveredJob);
        var callback = new ClayCallback(rowId, named, ClayCallback.Enriched, "apollo", [new ProviderOutcome("apollo", ProviderResult.Hit, 2m)], 2m, 3);
        var refusedBefore = (await Ledger.Refused()).GetValueOrDefault(CallbackVerdict.Outcome(expected));

        var recording = await Ledger.Record(callback, named, table, DateTimeOffset.UtcNow);
        if (recording.Record == CallbackRecord.JobFromDelivery)
        {
            Assert.Equal(deliveredJob, recording.DeliveredJob);
            recording = await Ledger.Record(callback, recording.DeliveredJob, table, DateTimeOffset.UtcNow);
        }

        Assert.Equal(expected, recording.Record switch
        {
            CallbackRecord.New => CallbackVerdictKind.Settle,
            CallbackRecord.UnknownRow => CallbackVerdictKind.Park,
            CallbackRecord.ForgedOtherJob => CallbackVerdictKind.ForgedOtherJob,
            CallbackRecord.ForgedOtherTable => CallbackVerdictKind.ForgedOtherTable,
            var other => throw new Xunit.Sdk.XunitException($"unexpected {other}"),
        });
        var progress = await Ledger.TakeProgress(deliveredJob);
        var row = await _redis.Database.HashGetAllAsync(CallbackStore.RowKey(rowId));
        if (expected == CallbackVerdictKind.Settle)
        {
            Assert.Equal(1, progress!.Tables["people"].Enriched);
            Assert.Contains(row, entry => entry.Name == RowFields.Outcome);
        }
        else
        {
            Assert.Null(progress);
            Assert.DoesNotContain(row, entry => entry.Name == RowFields.Outcome);
        }

        if (expected is CallbackVerdictKind.ForgedOtherJob or CallbackVerdictKind.ForgedOtherTable)
        {
            Assert.Equal(refusedBefore + 1, (await Ledger.Refused())[CallbackVerdict.Outcome(expected)]);
            if (named is { } other)
            {
                Assert.Null(await Ledger.TakeProgress(other));
            }
        }
    }

    [Fact]
    public async Task Should_keep_a_settled_row_a_duplicate_for_its_own_job_and_forged_for_another()
    {
        var jobId = Guid.NewGuid();
        var rowId = "row-" + Guid.NewGuid().ToString("N");
        await _redis.Database.HashSetAsync(CallbackStore.RowKey(rowId), [new("job", jobId.ToString()), new("table", "people")]);
        var callback = new ClayCallback(rowId, jobId, ClayCallback.Enriched, "apollo", [], 2m, 3);

        Assert.Equal(CallbackRecord.New, (await Ledger.Record(callback, jobId, "people", DateTimeOffset.UtcNow)).Record);
        await Ledger.MarkPublished(callback, jobId);
        var other = Guid.NewGuid();

        Assert.Equal(CallbackRecord.Duplicate, (await Ledger.Record(callback, jobId, "people", DateTimeOffset.UtcNow)).Record);
        Assert.Equal(CallbackRecord.ForgedOtherJob, (await Ledger.Record(callback with { JobId = other, DataCredits = 900 }, other, "people", DateTimeOffset.UtcNow)).Record);
        Assert.Equal(1, (await Ledger.TakeProgress(jobId))!.Tables["people"].Enriched);
        Assert.Equal(2m, (await Ledger.TakeProgress(jobId))!.Tables["people"].DataCredits);
        Assert.Null(await Ledger.TakeProgress(other));
    }
}
