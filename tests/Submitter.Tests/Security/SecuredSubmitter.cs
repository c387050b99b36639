using ClayBus.Testing;
using ClayBus.Testing.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ClayBus.Submitter.Tests.Security;

/// <summary>
/// The real Submitter on Kestrel (so header and body limits apply as in production) with one key per role, a key
/// limited to <see cref="LimitedPermits"/> requests a minute, small body limits, and short timeouts for slow clients.
/// </summary>
public sealed class SecuredSubmitter : InfrastructureFixture
{
    public const string LimitedKey = "test-only-key-limited-2e9f";
    public const int LimitedPermits = 3;
    public const int MaxJsonBytes = 64 * 1024;
    public const int MaxCsvBytes = 4 * 1024 * 1024;
    public const int HeadersTimeoutSeconds = 2;
    public const int MinBodyBytesPerSecond = 100;
    public const int MinBodyGraceSeconds = 2;

    private WebApplicationFactory<Program> _factory = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _factory.Services;

    protected override string Purpose => "submitter-security";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        System.Environment.SetEnvironmentVariable("MASSTRANSIT_USAGE_TELEMETRY", "false");
        var port = ServiceProcess.FreePort();
        var settings = Settings.Concat(TestKeys.Settings(extra: new Dictionary<string, string?>
        {
            ["Security:ApiKeys:limited:Hash"] = ServiceDefaults.Security.ApiKeyRing.HashOf(LimitedKey),
            ["Security:ApiKeys:limited:Roles:0"] = "read",
            ["Security:ApiKeys:limited:PermitsPerMinute"] = LimitedPermits.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ingest:MaxJsonBytes"] = MaxJsonBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ingest:MaxCsvBytes"] = MaxCsvBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ingest:MinBodyBytesPerSecond"] = MinBodyBytesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ingest:MinBodyGraceSeconds"] = MinBodyGraceSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Security:Limits:RequestHeadersTimeoutSeconds"] = HeadersTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Admission:BudgetTimeoutSeconds"] = "1",
        }));
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Development");
            foreach (var (key, value) in settings)
            {
                host.UseSetting(key, value);
            }
        });
        _factory.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
        _factory.StartServer();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add(TestKeys.Header, key);
        }

        return client;
    }

    public override async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
