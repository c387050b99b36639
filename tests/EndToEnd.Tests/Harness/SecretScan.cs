namespace ClayBus.EndToEnd.Tests.Harness;

/// <summary>
/// Issue 10's check: no configured secret appears in any line a ClayBus process of the run printed. ClaySim is left
/// out: it stands in for Clay, which owns these secrets and shows them in its own UI. Every pipeline runs it when it
/// is disposed (<see cref="Pipeline.DisposeAsync"/>), so each fault run is checked, not only the happy path.
/// </summary>
public static class SecretScan
{
    public static void AssertNoSecretIn(Pipeline pipeline)
    {
        var secrets = pipeline.Secrets.Where(secret => secret.Length >= 8).Distinct().ToList();
        var leaks = pipeline.Output
            .Where(output => output.Process != "claysim")
            .SelectMany(output => secrets.Where(secret => output.Line.Contains(secret, StringComparison.Ordinal)).Select(_ => output.Process))
            .Distinct()
            .ToList();
        Assert.True(secrets.Count > 2, "the run configured no secrets to look for");
        Assert.True(leaks.Count == 0, $"a configured secret appeared in the output of: {string.Join(", ", leaks)}");
    }
}
