using System.Diagnostics.Metrics;
using System.Text.Json;
using ClayBus.Monitor.Budget;
using ClayBus.Monitor.Jobs;
using ClayBus.Monitor.Persistence;
using ClayBus.Monitor.Status;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.Monitor.Tests.Budget;

/// <summary>The forecast's "any job open?" on the real Redis: answered from 50 sagas; "none open" reused for a few seconds.</summary>
[Trait("Category", "Integration")]
public sealed class PendingJobsSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>, IDisposable
{
    private readonly List<ServiceProvider> _services = [];
    private readonly string _prefix = $"{infrastructure.Redis.Prefix}pending-{Guid.NewGuid():N}:";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task Should_read_a_job_finished_at_once_and_reuse_none_open_while_the_dashboard_polls()
    {
        var pending = Pending();
        var job = Guid.NewGuid();
        await StoreAsync(job, "Delivering");
        Assert.True(await pending.AnyOpenAsync());

        // A job that has just finished reads finished at the next look: "open" is never reused.
        await StoreAsync(job, "Completed");
        Assert.False(await pending.AnyOpenAsync());

        // "None open" is reused within the window (no saga is loaded), then looked at again.
        var next = Guid.NewGuid();
        await StoreAsync(next, "Delivering");
        _clock.Advance(PendingJobs.Reuse - TimeSpan.FromSeconds(1));
        Assert.False(await pending.AnyOpenAsync());

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await pending.AnyOpenAsync());
    }

    private PendingJobs Pending()
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _services.Add(services);
        var keyspace = new RedisKeyspace(infrastructure.Redis.Connection, Options.Create(new RedisOptions { KeyPrefix = _prefix }));
        var sagas = new RedisSagaStore<JobState>(keyspace, new RedisSagaRepositoryOptions<JobState> { KeyPrefix = "saga:job:" }, services.GetRequiredService<IMeterFactory>());
        return new PendingJobs(new JobIndex(keyspace, sagas, _clock), sagas, _clock);
    }

    public void Dispose() => _services.ForEach(services => services.Dispose());

    private async Task StoreAsync(Guid jobId, string state)
    {
        var at = _clock.GetUtcNow();
        var saga = JsonSerializer.Serialize(new { correlationId = jobId, version = 1, currentState = state, createdAt = at, lastProgressAt = at });
        await infrastructure.Redis.Database.HashSetAsync($"{_prefix}saga:job:{jobId:N}", [new("v", 1), new("d", saga)]);
        await infrastructure.Redis.Database.SortedSetAddAsync(_prefix + "status:jobs", jobId.ToString("N"), at.ToUnixTimeMilliseconds());
    }
}
