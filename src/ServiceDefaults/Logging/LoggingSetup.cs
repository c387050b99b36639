using ClayBus.ServiceDefaults.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace ClayBus.ServiceDefaults.Logging;

public static class LoggingSetup
{
    public static IHostApplicationBuilder AddClayBusLogging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<LoggingOptions>(LoggingOptions.Section);
        var service = builder.Environment.ApplicationName;
        builder.Services.AddSerilog((provider, logger) =>
        {
            var options = provider.GetRequiredService<IOptions<LoggingOptions>>().Value;
            logger
                .MinimumLevel.Is(Enum.Parse<LogEventLevel>(options.MinimumLevel))
                // Framework chatter hides the pipeline's own story; warnings still come through.
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Extensions.Http", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Extensions.Diagnostics.HealthChecks", LogEventLevel.Warning)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("Service", service);
            if (options.Format == "json")
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(
                    outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}",
                    formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
        });
        return builder;
    }
}
