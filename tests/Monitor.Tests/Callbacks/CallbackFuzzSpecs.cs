using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Callbacks;
using ClayBus.Monitor.Lineage;
using ClayBus.Monitor.Tests.Integration;
using ClayBus.Testing;
using ClayBus.Testing.Callbacks;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ClayBus.Monitor.Tests.Callbacks;

/// <summary>
/// Thousands of seeded, odd but plausible callback bodies at the real endpoint (real Redis and RabbitMQ): never a 5xx,
/// every genuine row counted exactly once, forgeries and absurd amounts moving nothing. Set <c>CLAYBUS_FUZZ_SEED</c>
/// to replay a failing seed.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CallbackFuzzSpecs(InfrastructureFixture infrastructure, ITestOutputHelper output) : IClassFixture<InfrastructureFixture>, IAsyncLifetime
{
    private const int Bodies = 5_000;
    private const int RowsPerJob = 150;
    private MonitorHost _monitor = null!;
    private EventRecorder _events = null!;

    public async Task InitializeAsync()
    {
        _monitor = await MonitorHost.StartAsync(infrastructure);
        _events = await EventRecorder.StartAsync(_monitor.Bus, (endpoint, keep) =>
        {
            endpoint.Handler<RowEnriched>(context => Task.Run(() => keep(context.Message)));
            endpoint.Handler<RowEnrichmentFailed>(context => Task.Run(() => keep(context.Message)));
        });
    }

    public async Task DisposeAsync()
    {
        await _events.DisposeAsync();
        await _monitor.DisposeAsync();
    }

    [Fact]
    public async Task Should_never_answer_5xx_count_each_genuine_row_once_and_let_forgeries_move_nothing()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CLAYBUS_FUZZ_SEED"), CultureInfo.InvariantCulture, out var given) ? given : 20261206;
        output.WriteLine($"seed {seed} (CLAYBUS_FUZZ_SEED={seed} replays it)");
        var people = NewId.NextGuid();
        var companies = NewId.NextGuid();
        // Numeric row ids too: Clay may echo them as numbers.
        var rows = await DeliverAsync(people, "people", i => i % 5 == 0 ? (7_000_000_000L + i).ToString(CultureInfo.InvariantCulture) : $"{people:N}-{i}");
        rows = [.. rows, .. await DeliverAsync(companies, "companies", i => $"{companies:N}-{i}")];
        var forgedJob = NewId.NextGuid();
        var forgedOnly = rows.Where((_, i) => i % 10 == 3).ToList();
        var cases = new CallbackFuzz(seed).Generate(Bodies, [.. rows.Except(forgedOnly)], [companies, people, forgedJob], ["people", "companies", "events"], forgedOnly);

        var answers = await SendAllAsync(cases);

        var wrong = cases.Where(c => answers[c.Index] != c.Status).ToList();
        Assert.True(
            wrong.Count == 0,
            $"seed {seed}: {wrong.Count} unexpected answers, e.g. " + string.Join("; ", wrong.Take(5).Select(c => $"#{c.Index} {c.Shape}: {answers[c.Index]}, expected {c.Status}")));
        Assert.Equal(0, answers.Values.Count(status => status >= 500));

        // Exactly once: the saga counts each genuine row once, for the job it was delivered for. Its row event may go
        // out twice when two copies race (the second cannot know the first is on the broker), but always with the
        // charge the row was counted with, so the Enricher settles the same amount whichever comes first.
        var genuine = cases.Where(c => c.Expect == FuzzExpect.Settle).Select(c => c.Row!).Distinct().ToList();
        var events = await Eventually.Value(
            () => Task.FromResult(RowEvents()),
            found => found.Select(e => e.RowId).Distinct().Count() >= genuine.Count,
            TimeSpan.FromSeconds(30),
            $"{genuine.Count} rows' events");
        Assert.All(events.GroupBy(e => (e.JobId, e.RowId)), copies => Assert.Single(copies.Select(e => e.DataCredits).Distinct()));
        var settled = events.DistinctBy(e => (e.JobId, e.RowId)).ToList();
        Assert.Equal(genuine.Select(row => (row.JobId, row.RowId)).Order(), settled.Select(e => (e.JobId, e.RowId)).Order());
        foreach (var jobId in new[] { people, companies })
        {
            var expected = genuine.Count(row => row.JobId == jobId);
            var state = await _monitor.JobWhere(jobId, job => job.RowsEnriched + job.RowsFailed >= expected, $"job {jobId} to count {expected} rows");
            Assert.Equal(expected, state.RowsEnriched + state.RowsFailed);
            Assert.Equal(settled.Where(e => e.JobId == jobId).Sum(e => e.DataCredits), Math.Round(state.CreditsSpent, 6));
        }

        Assert.Null(await _monitor.Job(forgedJob));

        // Rows only ever forged, refused or over-charged were never settled.
        var lineage = _monitor.Services.GetRequiredService<RowLineageStore>();
        Assert.NotEmpty(rows.Except(genuine));
        foreach (var row in rows.Except(genuine))
        {
            Assert.False((await lineage.Read(row.RowId))!.ContainsKey(RowFields.Outcome), $"seed {seed}: row {row.RowId} settled without a genuine callback");
        }

        // Every refusal counted, by reason, in the counter the status API shows.
        var refused = await _monitor.Services.GetRequiredService<CallbackStore>().Refused();
        Assert.Equal(cases.Count(c => c.Expect == FuzzExpect.ForgedOtherJob), refused.GetValueOrDefault("forged_other_job"));
        Assert.Equal(cases.Count(c => c.Expect == FuzzExpect.ForgedOtherTable), refused.GetValueOrDefault("forged_other_table"));
        Assert.Equal(cases.Count(c => c.Expect == FuzzExpect.RejectedAmount), refused.GetValueOrDefault("rejected_amount"));
        output.WriteLine(string.Join(", ", cases.GroupBy(c => c.Expect).Select(g => $"{g.Key} {g.Count()}")) + $"; {genuine.Count} genuine rows settled once");
    }

    private List<(Guid JobId, string RowId, decimal DataCredits)> RowEvents() =>
    [
        .. _events.Of<RowEnriched>().Select(e => (e.JobId, e.RowId, e.DataCredits)),
        .. _events.Of<RowEnrichmentFailed>().Select(e => (e.JobId, e.RowId, e.DataCredits)),
    ];

    private async Task<List<FuzzRow>> DeliverAsync(Guid jobId, string table, Func<int, string> rowId)
    {
        var ids = Enumerable.Range(0, RowsPerJob).Select(rowId).ToList();
        await _monitor.Bus.Publish(new BatchDelivered(jobId, NewId.NextGuid(), table, ids, [], "…abc123", 10, 50_000, ids.Count * 2m, DateTimeOffset.UtcNow));
        var lineage = _monitor.Services.GetRequiredService<RowLineageStore>();
        await Eventually.Until(async () => await lineage.Read(ids[^1]) is not null, TimeSpan.FromSeconds(30), $"the delivery of job {jobId} to reach lineage");
        return [.. ids.Select(id => new FuzzRow(id, jobId, table))];
    }

    private async Task<ConcurrentDictionary<int, int>> SendAllAsync(IReadOnlyList<FuzzCase> cases)
    {
        var answers = new ConcurrentDictionary<int, int>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (fuzz, cancellation) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/clay/callbacks/{Uri.EscapeDataString(fuzz.Table)}", UriKind.Relative))
            {
                Content = new ByteArrayContent(fuzz.Body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            request.Headers.Add("x-claybus-callback-secret", MonitorHost.Secret);
            using var response = await _monitor.Client.SendAsync(request, cancellation);
            answers[fuzz.Index] = (int)response.StatusCode;
        });
        return answers;
    }
}
