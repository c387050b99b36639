using ClayBus.Monitor.Status;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.Testing;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Tests.Status;

/// <summary>The dead-letter index on the real Redis: grouped by normalised cause, bounded, counted once per fault.</summary>
[Trait("Category", "Integration")]
public sealed class DeadLetterIndexStoreSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private const string Queue = "deliver-batch_error";
    private const string Type = "ClayBus.Enricher.TableNotConfigured";
    private readonly string _prefix = infrastructure.Redis.Prefix + Guid.NewGuid().ToString("N")[..8] + ":";
    private readonly DateTimeOffset _now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private DeadLetterIndexStore Store => new(
        new RedisKeyspace(infrastructure.Redis.Connection, Options.Create(new RedisOptions { KeyPrefix = _prefix })),
        Options.Create(new StatusOptions()));

    private DeadLetterFault Fault(string table = "crm", string? job = null, DateTimeOffset? at = null, Guid? faultId = null) => new(
        faultId ?? Guid.NewGuid(),
        Queue,
        Type,
        FaultCause.Of($"table '{table}' is not configured (batch {Guid.NewGuid()})"),
        at ?? _now,
        table,
        job ?? Guid.NewGuid().ToString(),
        Guid.NewGuid().ToString());

    [Fact]
    public async Task Should_count_letters_of_one_cause_in_one_group_per_table_and_job()
    {
        var store = Store;
        var job = Guid.NewGuid().ToString();
        for (var i = 0; i < 5; i++)
        {
            await store.RecordAsync(Fault(job: job, at: _now.AddSeconds(i)));
        }

        await store.RecordAsync(Fault(table: "erp"));

        var groups = await store.GroupsAsync(Queue);
        var crm = Assert.Single(groups, g => g.Cause == "table 'crm' is not configured (batch <id>)");
        Assert.Equal(2, groups.Count);
        Assert.Equal(5, crm.Count);
        Assert.Equal(5, crm.Tables["crm"]);
        Assert.Equal(5, crm.Jobs[job]);
        Assert.Equal(_now, crm.FirstFailedAt);
        Assert.Equal(_now.AddSeconds(4), crm.LastFailedAt);
        Assert.Equal(5, crm.SampleMessageIds.Count);
        Assert.Equal(DeadLetterGrouping.GroupId(Queue, Type, $"table 'crm' is not configured (batch {Guid.NewGuid()})"), crm.Id);
    }

    [Fact]
    public async Task Should_count_a_redelivered_fault_once()
    {
        var store = Store;
        var fault = Fault();

        Assert.True(await store.RecordAsync(fault));
        Assert.False(await store.RecordAsync(fault));

        Assert.Equal(1, Assert.Single(await store.GroupsAsync(Queue)).Count);
    }

    [Fact]
    public async Task Should_bound_the_jobs_and_the_sample_of_a_group()
    {
        var store = Store;
        var faults = DeadLetterIndexStore.DistinctCap + 10;
        for (var i = 0; i < faults; i++)
        {
            await store.RecordAsync(Fault());
        }

        var group = Assert.Single(await store.GroupsAsync(Queue));
        Assert.Equal(faults, group.Count);
        Assert.Equal(DeadLetterIndexStore.DistinctCap + 1, group.Jobs.Count);
        Assert.Equal(10, group.Jobs["(other)"]);
        Assert.Equal(faults, group.Jobs.Values.Sum());
        Assert.Equal(DeadLetterIndexStore.SampleSize, group.SampleMessageIds.Count);
    }

    [Fact]
    public async Task Should_forget_an_emptied_queues_groups_but_not_a_fault_that_just_arrived()
    {
        var store = Store;
        await store.RecordAsync(Fault(table: "crm", at: _now.AddMinutes(-5)));
        await store.RecordAsync(Fault(table: "erp", at: _now.AddSeconds(-1)));

        await store.ForgetEmptiedAsync(Queue, _now, TimeSpan.FromSeconds(30));

        var left = Assert.Single(await store.GroupsAsync(Queue));
        Assert.Equal("erp", Assert.Single(left.Tables.Keys));
    }
}
