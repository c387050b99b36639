using System.Globalization;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;
using Xunit.Abstractions;

namespace ClayBus.EndToEnd.Tests.Footprint;

/// <summary>
/// Every key the services write has a bound: after a whole pipeline run, each key under the run's prefix either
/// expires or is listed in <see cref="RedisKeyOwners"/> with the owner that deletes it.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RedisKeyScanSpecs(InfrastructureFixture infrastructure, ITestOutputHelper output) : IClassFixture<InfrastructureFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Should_leave_no_key_without_a_ttl_or_an_owner_after_a_pipeline_run()
    {
        await using var pipeline = await Pipeline.StartAsync(infrastructure, new PipelineSettings());
        try
        {
            var leads = LeadFile.Create(unique: 400, batch: "keyscan");
            var report = await pipeline.SubmitCsvAsync(leads.Csv);
            var jobId = report.GetProperty("jobId").GetGuid();
            await pipeline.WaitForJobAsync(jobId, Deadline, "completed", "completedWithFailures");

            var keys = await RedisKeyScan.ScanAsync(infrastructure.Redis.Connection, infrastructure.Redis.Prefix);
            foreach (var kind in keys.GroupBy(key => RedisKeyScan.PatternOf(key.Name)).OrderBy(kind => kind.Key, StringComparer.Ordinal))
            {
                var ttl = kind.Max(key => key.Ttl);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{kind.Key} {kind.First().Type} keys={kind.Count()} bytes/key={kind.Average(key => key.Bytes):F0} ttl={(ttl is { } t ? t.ToString() : "none")} owner={RedisKeyOwners.OwnerOf(kind.First().Name) ?? "-"}"));
            }

            var unbound = RedisKeyScan.WithoutBound(keys);
            Assert.True(keys.Count > leads.ExpectedAccepted, $"the scan found only {keys.Count} keys under {infrastructure.Redis.Prefix}: it did not see the run");
            Assert.True(unbound.Count == 0, "keys without a TTL or an owner (add a TTL, or an owner in RedisKeyOwners and docs/operations.md): "
                + string.Join(", ", unbound.Select(key => RedisKeyScan.PatternOf(key.Name)).Distinct(StringComparer.Ordinal)));
        }
        finally
        {
            await pipeline.SaveOutputAsync("keyscan");
        }
    }
}
