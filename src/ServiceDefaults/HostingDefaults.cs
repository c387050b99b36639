using ClayBus.ServiceDefaults.Logging;
using ClayBus.ServiceDefaults.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClayBus.ServiceDefaults;

public static class HostingDefaults
{
    /// <summary>What every ClayBus service starts with: logging, telemetry (traces, metrics, <c>/metrics</c>) and health checks. Messaging and Redis are added by name.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.AddClayBusLogging();
        builder.AddClayBusTelemetry();
        builder.Services.AddHealthChecks();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
