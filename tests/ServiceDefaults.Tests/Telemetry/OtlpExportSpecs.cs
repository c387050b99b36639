using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace ClayBus.ServiceDefaults.Tests.Telemetry;

public class OtlpExportSpecs
{
    [Fact]
    public async Task Should_post_traces_and_metrics_to_the_configured_collector_over_http_protobuf()
    {
        var posted = new ConcurrentQueue<(string Path, string? ContentType)>();
        var collectorBuilder = WebApplication.CreateSlimBuilder();
        collectorBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var collector = collectorBuilder.Build();
        collector.MapPost("/{**signal}", (HttpRequest request) =>
        {
            posted.Enqueue((request.Path.Value ?? "", request.ContentType));
            return Results.Ok();
        });
        await collector.StartAsync();

        var service = TelemetryWebHost.CreateBuilder(new Dictionary<string, string?>
        {
            ["ClayBus:Telemetry:OtlpEndpoint"] = collector.Urls.Single(),
            ["ClayBus:Telemetry:OtlpProtocol"] = "http/protobuf",
        }).Build();
        service.MapGet("/work", () => "done");
        using (var client = await TelemetryWebHost.StartAsync(service))
        {
            (await client.GetAsync(new Uri("/work", UriKind.Relative))).Dispose();
        }

        // Stopping flushes both exporters, so nothing waits for their schedules.
        await service.StopAsync();
        await service.DisposeAsync();
        await collector.StopAsync();

        Assert.Contains(posted, post => post.Path == "/v1/traces" && post.ContentType == "application/x-protobuf");
        Assert.Contains(posted, post => post.Path == "/v1/metrics" && post.ContentType == "application/x-protobuf");
    }
}
