using ClayBus.ClaySim.Callbacks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ClayBus.ClaySim.Tests.Support;

/// <summary>
/// ClaySim in process, its callbacks captured by a <see cref="CallbackRecorder"/>; a fast speed factor by default so
/// enrichment takes milliseconds. Pass a fake <see cref="TimeProvider"/> where a test must own time.
/// </summary>
public sealed class ClaySimHost : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly TimeProvider? _time;

    public ClaySimHost(IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        _settings = settings ?? new Dictionary<string, string?>();
        _time = time;
        Callbacks = new CallbackRecorder(time ?? TimeProvider.System);
    }

    public CallbackRecorder Callbacks { get; }

    public SimClient Sim => new(CreateClient());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        var defaults = new Dictionary<string, string?>
        {
            ["ClaySim:PrintWebhookUrls"] = "false",
            ["ClaySim:SpeedFactor"] = "100000",
            ["ClaySim:CallbackBaseUrl"] = "http://callbacks.test",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in defaults.Concat(_settings))
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            if (_time is not null)
            {
                services.AddSingleton(_time);
            }

            services.AddHttpClient(CallbackSender.ClientName).ConfigurePrimaryHttpMessageHandler(() => Callbacks);
        });
    }
}
