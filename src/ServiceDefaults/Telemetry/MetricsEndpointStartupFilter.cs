using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace ClayBus.ServiceDefaults.Telemetry;

/// <summary>
/// Serves the Prometheus scrape at <c>/metrics</c> ahead of the service's own pipeline, so it answers the same way on
/// every service and never meets the service's authentication or error pages.
/// </summary>
internal sealed class MetricsEndpointStartupFilter : IStartupFilter
{
    public const string Path = "/metrics";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseOpenTelemetryPrometheusScrapingEndpoint(Path);
        next(app);
    };
}
