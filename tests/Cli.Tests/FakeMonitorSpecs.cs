namespace ClayBus.Cli.Tests;

/// <summary>Specs of a command that talks to the Monitor: each test gets a <see cref="FakeMonitor"/> of its own.</summary>
public abstract class FakeMonitorSpecs : IAsyncLifetime
{
    protected FakeMonitor Monitor { get; private set; } = null!;

    /// <summary>The value of <c>--monitor</c> that points a command at the fake.</summary>
    protected string MonitorAddress => Monitor.Address.ToString();

    public async Task InitializeAsync() => Monitor = await FakeMonitor.StartAsync();

    public async Task DisposeAsync() => await Monitor.DisposeAsync();
}
