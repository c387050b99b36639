using System.ComponentModel.DataAnnotations;

namespace ClayBus.ServiceDefaults.Logging;

public sealed class LoggingOptions
{
    public const string Section = "ClayBus:Logging";

    /// <summary><c>console</c>: readable lines for people; <c>json</c>: compact JSON (CLEF) with trace ids, for production.</summary>
    [RegularExpression("^(console|json)$", ErrorMessage = "must be 'console' or 'json'")]
    public string Format { get; set; } = "console";

    [RegularExpression("^(Verbose|Debug|Information|Warning|Error|Fatal)$", ErrorMessage = "must be one of Verbose, Debug, Information, Warning, Error, Fatal")]
    public string MinimumLevel { get; set; } = "Information";
}
