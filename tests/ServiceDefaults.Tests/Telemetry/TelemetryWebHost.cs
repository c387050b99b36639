using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace ClayBus.ServiceDefaults.Tests.Telemetry;

/// <summary>A ClayBus web host as a service builds it (<c>AddServiceDefaults</c> first), on a free loopback port.</summary>
internal static class TelemetryWebHost
{
    public static WebApplicationBuilder CreateBuilder(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }

        builder.AddServiceDefaults();
        return builder;
    }

    public static async Task<HttpClient> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        return new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
    }
}
