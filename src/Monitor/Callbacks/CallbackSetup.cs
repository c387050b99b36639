using ClayBus.Monitor.Metrics;
using ClayBus.ServiceDefaults.Configuration;

namespace ClayBus.Monitor.Callbacks;

public static class CallbackSetup
{
    public static IHostApplicationBuilder AddCallbacks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<CallbackOptions>(CallbackOptions.Section);
        builder.Services.AddSingleton<CallbackStore>();
        builder.Services.AddSingleton<CallbackPublishing>();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<MonitorMetrics>();
        return builder;
    }
}
