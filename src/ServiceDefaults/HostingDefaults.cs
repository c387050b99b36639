using ClayBus.ServiceDefaults.Logging;
using ClayBus.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClayBus.ServiceDefaults;

public static class HostingDefaults
{
    /// <summary>What every ClayBus service starts with: logging, telemetry (traces, metrics, <c>/metrics</c>) and health checks. Messaging and Redis are added by name.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.AddMountedConfiguration();
        builder.AddClayBusLogging();
        builder.AddClayBusTelemetry();
        builder.Services.AddHealthChecks();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>
    /// Kubernetes mounts tables, routing and limits (ConfigMap) and webhooks (Secret) as <c>config/claybus.json</c>
    /// and <c>secrets/claybus.json</c> under the content root. They are watched, so a new webhook needs no restart
    /// (containers set <c>DOTNET_USE_POLLING_FILE_WATCHER</c>: a mounted volume changes by a symlink swap). Added last,
    /// they win over environment variables; moving them lower would rebuild every provider and drop values a host
    /// set in memory, so deployments keep a key in one place only.
    /// </summary>
    private static void AddMountedConfiguration(this IHostApplicationBuilder builder)
    {
        foreach (var file in (string[])["config/claybus.json", "secrets/claybus.json"])
        {
            builder.Configuration.AddJsonFile(Path.Combine(builder.Environment.ContentRootPath, file), optional: true, reloadOnChange: true);
        }
    }
}
