using System.Text.Json;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Harness;

/// <summary>
/// Polls one job's status in the background and keeps the phases it passed through, so a test can assert the order of
/// states and not only the last one. Phases shorter than the poll interval can be missed; the order seen cannot be wrong.
/// </summary>
public sealed class JobWatch : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private readonly Pipeline _pipeline;
    private readonly Guid _jobId;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<string> _phases = [];
    private readonly Task _loop;
    private JsonElement? _latest;

    public JobWatch(Pipeline pipeline, Guid jobId)
    {
        _pipeline = pipeline;
        _jobId = jobId;
        _loop = Task.Run(() => LoopAsync(_stop.Token));
    }

    /// <summary>The phases seen, each change once (stuck → enriching → stuck shows three entries).</summary>
    public IReadOnlyList<string> Phases
    {
        get
        {
            lock (_gate)
            {
                return [.. _phases];
            }
        }
    }

    /// <summary>Waits until the latest status satisfies <paramref name="accept"/>; a timeout names the last status and ClaySim's totals.</summary>
    public Task<JsonElement> WaitForAsync(Func<JsonElement, bool> accept, TimeSpan deadline, string what) =>
        WaitForAsync(job => Task.FromResult(accept(job)), deadline, what);

    /// <inheritdoc cref="WaitForAsync(Func{JsonElement, bool}, TimeSpan, string)"/>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, Task<bool>> accept, TimeSpan deadline, string what)
    {
        try
        {
            JsonElement? accepted = null;
            await Eventually.Until(
                async () => Latest() is { } job && await accept(job) && (accepted = job) is not null,
                deadline,
                what,
                TimeSpan.FromMilliseconds(200));
            return accepted!.Value;
        }
        catch (TimeoutException timeout)
        {
            var counters = await _pipeline.CountersAsync();
            throw new TimeoutException(
                $"{timeout.Message}{Environment.NewLine}phases: {string.Join(" → ", Phases)}{Environment.NewLine}job: {Latest()?.ToString() ?? "(none)"}{Environment.NewLine}claysim totals: {counters.GetProperty("totals")}, pending {counters.GetProperty("pendingEnrichment")}",
                timeout);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private JsonElement? Latest()
    {
        lock (_gate)
        {
            return _latest;
        }
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await _pipeline.JobAsync(_jobId) is { } job)
                {
                    var phase = job.GetProperty("phase").GetString()!;
                    lock (_gate)
                    {
                        _latest = job;
                        if (_phases.Count == 0 || _phases[^1] != phase)
                        {
                            _phases.Add(phase);
                        }
                    }
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !stopping.IsCancellationRequested)
            {
                // A slow or briefly unreachable Monitor: the next poll reads it again.
            }

            try
            {
                await Task.Delay(Poll, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
