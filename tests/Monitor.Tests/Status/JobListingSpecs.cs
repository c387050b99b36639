using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.Monitor.Status;
using ClayBus.Monitor.Tests.Integration;
using ClayBus.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ClayBus.Monitor.Tests.Status;

/// <summary><c>/status/jobs</c> a page at a time, and an index that keeps every job whose saga exists (stuck ones too).</summary>
[Trait("Category", "Integration")]
public sealed class JobListingSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddDays(-3);
    private readonly List<Guid> _jobs = [.. Enumerable.Range(0, 12).Select(_ => Guid.NewGuid())];
    private MonitorHost _monitor = null!;

    public async Task InitializeAsync()
    {
        _monitor = await MonitorHost.StartAsync(infrastructure);
        await infrastructure.Redis.Database.KeyDeleteAsync(infrastructure.Redis.Prefix + "status:jobs");
        for (var i = 0; i < _jobs.Count; i++)
        {
            // The three oldest are stuck; two jobs share a millisecond so the cursor must break the tie.
            await StoreAsync(_jobs[i], i < 3 ? "Stuck" : "Delivering", Start.AddMinutes(i == 7 ? 6 : i));
        }
    }

    public async Task DisposeAsync() => await _monitor.DisposeAsync();

    [Fact]
    public async Task Should_list_every_job_once_newest_first_across_pages()
    {
        var (listed, pages) = await ListAsync("status/jobs?limit=5");

        Assert.Equal(3, pages);
        Assert.Equal(_jobs.Count, listed.Count);
        Assert.Equal(_jobs.Count, listed.Distinct().Count());
        Assert.Equal(_jobs[11], listed[0]);
        Assert.Equal(_jobs[0], listed[^1]);
    }

    [Fact]
    public async Task Should_find_the_oldest_stuck_jobs_through_pages()
    {
        var (listed, _) = await ListAsync("status/jobs?state=stuck&limit=2");

        Assert.Equal([_jobs[2], _jobs[1], _jobs[0]], listed);
    }

    [Fact]
    public async Task Should_refuse_a_cursor_it_did_not_make()
    {
        using var answer = await _monitor.Client.GetAsync(new Uri("status/jobs?cursor=yesterday", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("X-Next-Cursor", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_sweep_an_entry_whose_saga_expired_and_keep_an_old_stuck_one()
    {
        var expired = Guid.NewGuid();
        await infrastructure.Redis.Database.SortedSetAddAsync(infrastructure.Redis.Prefix + "status:jobs", expired.ToString("N"), Start.AddDays(-40).ToUnixTimeMilliseconds());

        await _monitor.Services.GetRequiredService<JobIndex>().AddAsync(Guid.NewGuid(), DateTimeOffset.UtcNow);

        var (listed, _) = await ListAsync("status/jobs?limit=500");
        var entries = await infrastructure.Redis.Database.SortedSetRangeByRankAsync(infrastructure.Redis.Prefix + "status:jobs");
        Assert.DoesNotContain(expired.ToString("N"), entries.Select(entry => entry.ToString()));
        Assert.Contains(_jobs[0], listed);
    }

    private async Task<(List<Guid> Jobs, int Pages)> ListAsync(string path)
    {
        var jobs = new List<Guid>();
        var pages = 0;
        string? cursor = null;
        do
        {
            using var answer = await _monitor.Client.GetAsync(new Uri(cursor is null ? path : $"{path}&cursor={cursor}", UriKind.Relative));
            answer.EnsureSuccessStatusCode();
            pages++;
            var page = await answer.Content.ReadFromJsonAsync<JsonElement>();
            jobs.AddRange(page.EnumerateArray().Select(job => job.GetProperty("jobId").GetGuid()));
            cursor = answer.Headers.TryGetValues(JobStatusEndpoints.NextCursorHeader, out var next) ? next.Single() : null;
            Assert.True(pages < 50, "the cursor must move on");
        }
        while (cursor is not null);

        return (jobs, pages);
    }

    private async Task StoreAsync(Guid jobId, string state, DateTimeOffset seenAt)
    {
        var saga = JsonSerializer.Serialize(new { correlationId = jobId, version = 1, currentState = state, createdAt = seenAt, lastProgressAt = seenAt });
        await infrastructure.Redis.Database.HashSetAsync($"{infrastructure.Redis.Prefix}saga:job:{jobId:N}", [new("v", 1), new("d", saga)]);
        await infrastructure.Redis.Database.SortedSetAddAsync(infrastructure.Redis.Prefix + "status:jobs", jobId.ToString("N"), seenAt.ToUnixTimeMilliseconds());
    }
}
