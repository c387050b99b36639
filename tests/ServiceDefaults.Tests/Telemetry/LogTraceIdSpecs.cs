using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClayBus.ServiceDefaults.Tests.Telemetry;

/// <summary>These specs swap the process's console writer, so nothing else may run beside them.</summary>
[CollectionDefinition(nameof(ConsoleCapture), DisableParallelization = true)]
public sealed class ConsoleCapture;

[Collection(nameof(ConsoleCapture))]
public partial class LogTraceIdSpecs
{
    [LoggerMessage(LogLevel.Information, "Delivered {BatchId}")]
    private static partial void Delivered(ILogger logger, string batchId);

    [Fact]
    public async Task Should_write_the_trace_and_span_ids_of_the_current_activity_into_json_log_lines()
    {
        var lines = await CaptureConsoleAsync(provider =>
        {
            var logger = provider.GetRequiredService<ILogger<LogTraceIdSpecs>>();
            using var activity = new Activity("claybus-log-spec").SetIdFormat(ActivityIdFormat.W3C).Start();
            Delivered(logger, "batch-7");
            return (activity.TraceId.ToHexString(), activity.SpanId.ToHexString());
        });

        var (trace, span) = lines.Result;
        var line = Assert.Single(lines.Json, json => json.TryGetProperty("BatchId", out var batch) && batch.GetString() == "batch-7");
        Assert.Equal(trace, line.GetProperty("@tr").GetString());
        Assert.Equal(span, line.GetProperty("@sp").GetString());
        Assert.Equal("Delivered \"batch-7\"", line.GetProperty("@m").GetString());
    }

    [Fact]
    public async Task Should_leave_the_trace_out_of_a_line_written_outside_any_activity()
    {
        var lines = await CaptureConsoleAsync(provider =>
        {
            var logger = provider.GetRequiredService<ILogger<LogTraceIdSpecs>>();
            Activity.Current = null;
            Delivered(logger, "batch-8");
            return 0;
        });

        var line = Assert.Single(lines.Json, json => json.TryGetProperty("BatchId", out var batch) && batch.GetString() == "batch-8");
        Assert.False(line.TryGetProperty("@tr", out _));
    }

    private static async Task<(T Result, List<JsonElement> Json)> CaptureConsoleAsync<T>(Func<IServiceProvider, T> act)
    {
        var original = Console.Out;
        using var captured = new StringWriter();
        T result;
        Console.SetOut(captured);
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration["ClayBus:Logging:Format"] = "json";
            builder.AddServiceDefaults();
            using var host = builder.Build();
            await host.StartAsync();
            result = act(host.Services);
            await host.StopAsync();
        }
        finally
        {
            Console.SetOut(original);
        }

        var json = captured.ToString()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith('{'))
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();
        return (result, json);
    }
}
