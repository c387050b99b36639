using System.ComponentModel.DataAnnotations;

namespace ClayBus.ServiceDefaults.Telemetry;

public sealed class TelemetryOptions : IValidatableObject
{
    public const string Section = "ClayBus:Telemetry";

    /// <summary>
    /// Where traces and metrics go over OTLP, e.g. <c>http://otel-collector:4317</c>. Empty: no OTLP export, unless the
    /// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Prometheus scraping of <c>/metrics</c> works either way.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (port 4317) or <c>http/protobuf</c> (port 4318), as the collector accepts.</summary>
    [RegularExpression("^(grpc|http/protobuf)$", ErrorMessage = "must be 'grpc' or 'http/protobuf'")]
    public string OtlpProtocol { get; set; } = "grpc";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint) && TryGetOtlpUri() is null)
        {
            yield return new ValidationResult(
                "must be an absolute http or https URL such as 'http://otel-collector:4317', or empty to export nothing over OTLP",
                [nameof(OtlpEndpoint)]);
        }
    }

    internal Uri? TryGetOtlpUri() =>
        Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
}
