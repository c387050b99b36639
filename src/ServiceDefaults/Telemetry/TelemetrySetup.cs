using ClayBus.ServiceDefaults.Configuration;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ClayBus.ServiceDefaults.Telemetry;

public static class TelemetrySetup
{
    /// <summary>MassTransit's spans and meter (no extra package: MassTransit emits them itself).</summary>
    public const string MassTransitSource = "MassTransit";

    /// <summary>Every ClayBus service names its meter <c>ClayBus.&lt;Service&gt;</c> (ClayBus.Submitter, ClayBus.Enricher, …).</summary>
    public const string ClayBusMeters = "ClayBus.*";

    /// <summary>ClayBus's own spans, named like its meters (ClayBus.Monitor: the Clay callback in the delivery's trace).</summary>
    public const string ClayBusSources = "ClayBus.*";

    /// <summary>
    /// OpenTelemetry traces (MassTransit, every <c>ClayBus.*</c> source, ASP.NET Core, HttpClient) and metrics
    /// (MassTransit, every <c>ClayBus.*</c> meter, ASP.NET Core, HttpClient, the runtime), exported over OTLP when an
    /// endpoint is configured and scraped by Prometheus at <c>/metrics</c> on the service's HTTP port.
    /// </summary>
    public static IHostApplicationBuilder AddClayBusTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<TelemetryOptions>(TelemetryOptions.Section);
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var exportOtlp = !string.IsNullOrWhiteSpace(options.OtlpEndpoint)
            || !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                builder.Environment.ApplicationName,
                serviceInstanceId: Environment.MachineName))
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(MassTransitSource, ClayBusSources)
                    .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = context => !IsPlumbing(context.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddProcessor(new UrlRedactionProcessor());
                if (exportOtlp)
                {
                    tracing.AddOtlpExporter(otlp => Configure(otlp, options, "v1/traces"));
                }
            })
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(MassTransitSource, ClayBusMeters, "System.Runtime")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddPrometheusExporter();
                if (exportOtlp)
                {
                    metrics.AddOtlpExporter(otlp => Configure(otlp, options, "v1/metrics"));
                }
            });

        // A startup filter puts /metrics on every ClayBus web host without another line in each Program.cs.
        builder.Services.AddSingleton<IStartupFilter, MetricsEndpointStartupFilter>();
        return builder;
    }

    /// <summary>Probes and scrapes arrive every few seconds: tracing them would bury the pipeline's own spans.</summary>
    internal static bool IsPlumbing(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(MetricsEndpointStartupFilter.Path, StringComparison.OrdinalIgnoreCase);

    private static void Configure(OtlpExporterOptions otlp, TelemetryOptions options, string signalPath)
    {
        // Without ClayBus:Telemetry:OtlpEndpoint the exporter reads the standard OTEL_EXPORTER_OTLP_* variables itself.
        if (options.TryGetOtlpUri() is not { } endpoint)
        {
            return;
        }

        if (options.OtlpProtocol == "http/protobuf")
        {
            otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
            // A per-signal exporter given an explicit endpoint posts to it as is: add the signal's path.
            otlp.Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath);
        }
        else
        {
            otlp.Protocol = OtlpExportProtocol.Grpc;
            otlp.Endpoint = endpoint;
        }
    }
}
