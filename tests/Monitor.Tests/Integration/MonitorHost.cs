using ClayBus.Testing;
using ClayBus.Testing.Security;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using JobState = ClayBus.Monitor.Jobs.JobState;

namespace ClayBus.Monitor.Tests.Integration;

/// <summary>The Monitor in-process on the real RabbitMQ and Redis of one test class; stopping it is a graceful shutdown.</summary>
public sealed class MonitorHost : IAsyncDisposable
{
    public const string Secret = "test-only-callback-secret-1";
    public const string RotatedSecret = "test-only-callback-secret-2";

    private readonly WebApplicationFactory<Program> _factory;

    private MonitorHost(WebApplicationFactory<Program> factory)
    {
        _factory = factory;
        Client = factory.CreateClient();
        Client.DefaultRequestHeaders.Add(TestKeys.Header, TestKeys.Development);
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    public IBus Bus => Services.GetRequiredService<IBus>();

    public static IReadOnlyDictionary<string, string?> Settings(InfrastructureFixture infrastructure, IReadOnlyDictionary<string, string?>? overrides = null) =>
        infrastructure.Settings
            .Concat(new Dictionary<string, string?>
            {
                ["Callbacks:Secrets:0"] = Secret,
                ["Callbacks:Secrets:1"] = RotatedSecret,
                ["Jobs:ProgressInterval"] = "00:00:00.200",
                ["Scheduler:PollInterval"] = "00:00:00.100",
            })
            .Concat(overrides ?? new Dictionary<string, string?>())
            .GroupBy(pair => pair.Key)
            .ToDictionary(group => group.Key, group => group.Last().Value);

    /// <param name="services">Replaces services after the Monitor's own registrations (e.g. a logger factory that keeps what is logged).</param>
    public static async Task<MonitorHost> StartAsync(
        InfrastructureFixture infrastructure,
        IReadOnlyDictionary<string, string?>? overrides = null,
        Action<IServiceCollection>? services = null)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Development");
            foreach (var (key, value) in Settings(infrastructure, overrides))
            {
                host.UseSetting(key, value);
            }

            if (services is not null)
            {
                host.ConfigureTestServices(services);
            }
        });
        var monitor = new MonitorHost(factory);
        await Eventually.Until(
            async () => (await monitor.Client.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30),
            "the Monitor to be ready");
        return monitor;
    }

    public Task<JobState?> Job(Guid jobId) => Services.GetRequiredService<ILoadSagaRepository<JobState>>().Load(jobId)!;

    public Task<JobState> JobWhere(Guid jobId, Func<JobState, bool> accept, string what, int seconds = 30) =>
        Eventually.Value(async () => (await Job(jobId))!, job => job is not null && accept(job), TimeSpan.FromSeconds(seconds), what);

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        return _factory.DisposeAsync();
    }
}
