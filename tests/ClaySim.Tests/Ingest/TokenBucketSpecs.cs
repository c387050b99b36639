using System.Net;
using ClayBus.ClaySim.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.ClaySim.Tests.Ingest;

/// <summary>The workspace rate limit, on a clock the test owns: exact to the record.</summary>
public sealed class TokenBucketSpecs() : ClaySimSpecs(
    new Dictionary<string, string?> { ["ClaySim:EnrichmentEnabled"] = "false" },
    new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)))
{
    private FakeTimeProvider Clock => (FakeTimeProvider)Time!;

    [Fact]
    public async Task Should_accept_the_burst_plus_ten_records_a_second_over_ten_seconds_within_one()
    {
        var hook = await Sim.CreateTableAsync("bucket-specs");
        var accepted = 0;
        var refused = 0;
        for (var step = 0; step <= 200; step++)
        {
            if (step > 0)
            {
                Clock.Advance(TimeSpan.FromMilliseconds(50));
            }

            // A sender that never stops: one-record requests until the bucket says no.
            while (true)
            {
                var response = await Sim.SendAsync(hook, IngestEndpointSpecs.Records(1));
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    refused++;
                    break;
                }

                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                accepted++;
            }
        }

        Assert.InRange(accepted, 20 + (10 * 10) - 1, 20 + (10 * 10) + 1);
        Assert.Equal(accepted, await Sim.CounterAsync("webhooks", hook.Id, "recordsAccepted"));
        Assert.Equal(refused, await Sim.CounterAsync("totals", null, "responses429"));
    }

    [Fact]
    public async Task Should_say_how_long_until_the_bucket_holds_the_whole_request()
    {
        var hook = await Sim.CreateTableAsync("bucket-specs");
        Assert.Equal(HttpStatusCode.OK, (await Sim.SendAsync(hook, IngestEndpointSpecs.Records(20))).StatusCode);
        Clock.Advance(TimeSpan.FromMilliseconds(500));

        var early = await Sim.SendAsync(hook, IngestEndpointSpecs.Records(15));
        Clock.Advance(TimeSpan.FromSeconds(int.Parse(early.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture)));
        var onTime = await Sim.SendAsync(hook, IngestEndpointSpecs.Records(15));

        Assert.Equal(HttpStatusCode.TooManyRequests, early.StatusCode);
        Assert.Equal("1", early.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, onTime.StatusCode);
    }

    [Fact]
    public async Task Should_follow_a_bucket_reconfigured_at_run_time()
    {
        var hook = await Sim.CreateTableAsync("bucket-specs");
        await Sim.ConfigureAsync(new { bucketCapacity = 50, refillPerSecond = 25 });
        Clock.Advance(TimeSpan.FromSeconds(10));

        var burst = await Sim.SendAsync(hook, IngestEndpointSpecs.Records(50));
        var over = await Sim.SendAsync(hook, IngestEndpointSpecs.Records(1));
        await Sim.ConfigureAsync(new { limitsEnabled = false });
        var unlimited = await Sim.SendAsync(hook, IngestEndpointSpecs.Records(100));

        Assert.Equal(HttpStatusCode.OK, burst.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unlimited.StatusCode);
    }
}
