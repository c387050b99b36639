namespace ClayBus.ClaySim.Tests.Support;

/// <summary>A test class with its own ClaySim, fresh for every test (xunit makes one instance per test).</summary>
public abstract class ClaySimSpecs : IDisposable
{
    protected ClaySimSpecs(IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        Host = new ClaySimHost(settings, time);
        Sim = Host.Sim;
        Time = time;
    }

    /// <summary>The clock given to the host, if the test owns time.</summary>
    protected TimeProvider? Time { get; }

    protected ClaySimHost Host { get; }

    protected SimClient Sim { get; }

    public void Dispose()
    {
        Sim.Dispose();
        Host.Dispose();
        GC.SuppressFinalize(this);
    }
}
