using ClayBus.ServiceDefaults.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClayBus.ServiceDefaults;

public static class HostingDefaults
{
    /// <summary>What every ClayBus service starts with: logging and health checks. Messaging and Redis are added by name.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.AddClayBusLogging();
        builder.Services.AddHealthChecks();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
