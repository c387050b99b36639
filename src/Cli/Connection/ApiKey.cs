using ClayBus.Cli.Console;

namespace ClayBus.Cli.Connection;

/// <summary>The key every request carries in <c>X-Api-Key</c>. Never printed: not in errors, not in verbose output.</summary>
public static class ApiKey
{
    public const string Header = "X-Api-Key";

    public const string Variable = "CLAYBUS_API_KEY";

    /// <summary>The development placeholder the services accept in Development; production keys come from the environment.</summary>
    public const string DevelopmentPlaceholder = "dev-only-claybus-api-key";

    public static string From(Terminal terminal) => terminal.Variable(Variable) ?? DevelopmentPlaceholder;
}
