using System.Net;
using ClayBus.ClaySim.Tests.Support;
using ClayBus.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.ClaySim.Tests.Faults;

/// <summary>Ingest faults on a clock the test owns: added latency, hangs, and a time box that ends on time.</summary>
public sealed class IngestFaultSpecs() : ClaySimSpecs(
    new Dictionary<string, string?> { ["ClaySim:EnrichmentEnabled"] = "false" },
    new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)))
{
    private FakeTimeProvider Clock => (FakeTimeProvider)Time!;

    [Fact]
    public async Task Should_answer_only_after_the_added_latency()
    {
        var hook = await Sim.CreateTableAsync("latency-specs");
        await Sim.FaultsAsync(new { addedLatencyMs = 5_000 });

        var pending = Sim.SendAsync(hook, "{}");
        await Eventually.Until(async () => await Sim.CounterAsync("totals", null, "requests") == 1, TimeSpan.FromSeconds(10), "the request to arrive");

        // The request is counted before its wait starts on the fake clock, so the clock moves in steps until the
        // answer comes: whenever the wait began, the answer cannot come before 5 s of it have passed.
        var advanced = TimeSpan.Zero;
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!pending.IsCompleted && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            Clock.Advance(TimeSpan.FromMilliseconds(100));
            advanced += TimeSpan.FromMilliseconds(100);
            await Task.WhenAny(pending, Task.Delay(20));
        }

        Assert.Equal(HttpStatusCode.OK, (await pending.WaitAsync(TimeSpan.FromSeconds(10))).StatusCode);
        Assert.True(advanced >= TimeSpan.FromSeconds(5), $"answered after {advanced.TotalMilliseconds} ms of added latency 5000");
    }

    [Fact]
    public async Task Should_hang_until_the_client_gives_up()
    {
        var hook = await Sim.CreateTableAsync("hang-specs");
        await Sim.FaultsAsync(new { hangRate = 1.0 });
        using var giveUp = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/v3/sources/webhook/{hook.Id}", UriKind.Relative))
        {
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        };

        var pending = Sim.Http.SendAsync(request, giveUp.Token);
        await Eventually.Until(async () => await Sim.CounterAsync("totals", null, "hangs") == 1, TimeSpan.FromSeconds(10), "the request to hang");
        Clock.Advance(TimeSpan.FromHours(1));
        var answered = pending.IsCompleted;
        await giveUp.CancelAsync();

        Assert.False(answered);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(0, await Sim.CounterAsync("totals", null, "recordsAccepted"));
    }

    [Fact]
    public async Task Should_end_a_time_boxed_429_storm_on_time()
    {
        var hook = await Sim.CreateTableAsync("storm-specs");
        await Sim.FaultsAsync(new { force429 = true, forSeconds = 10 });

        var during = await Sim.SendAsync(hook, "{}");
        Clock.Advance(TimeSpan.FromSeconds(10));
        var after = await Sim.SendAsync(hook, "{}");

        Assert.Equal(HttpStatusCode.TooManyRequests, during.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
