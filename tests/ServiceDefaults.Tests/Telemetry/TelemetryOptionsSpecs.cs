using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClayBus.ServiceDefaults.Tests.Telemetry;

public class TelemetryOptionsSpecs
{
    [Theory]
    [InlineData("ClayBus:Telemetry:OtlpEndpoint", "otel-collector:4317", "ClayBus:Telemetry:OtlpEndpoint: must be an absolute http or https URL")]
    [InlineData("ClayBus:Telemetry:OtlpProtocol", "udp", "ClayBus:Telemetry:OtlpProtocol: must be 'grpc' or 'http/protobuf'")]
    public async Task Should_refuse_to_start_with_a_bad_setting_and_name_its_key(string key, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration[key] = value;
        builder.AddServiceDefaults();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, failure => failure.StartsWith(expected, StringComparison.Ordinal));
    }
}
