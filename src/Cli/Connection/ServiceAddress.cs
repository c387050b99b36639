using ClayBus.Cli.Console;

namespace ClayBus.Cli.Connection;

/// <summary>Where a ClayBus service listens: the command's option, else an environment variable, else where scripts/run.sh starts it.</summary>
public sealed record ServiceAddress(string Service, Uri BaseAddress, string Option, string Variable)
{
    public static ServiceAddress Monitor(Arguments arguments, Terminal terminal) =>
        Resolve("Monitor", "monitor", ["CLAYBUS_MONITOR_URL"], "http://127.0.0.1:5103", arguments, terminal);

    // CLAYBUS_SUBMITTER was the first name of the variable; still read, so existing shells keep working.
    public static ServiceAddress Submitter(Arguments arguments, Terminal terminal) =>
        Resolve("Submitter", "submitter", ["CLAYBUS_SUBMITTER_URL", "CLAYBUS_SUBMITTER"], "http://127.0.0.1:5101", arguments, terminal);

    private static ServiceAddress Resolve(string service, string option, string[] variables, string fallback, Arguments arguments, Terminal terminal)
    {
        var (text, source) = arguments.Option(option) is { } given ? (given, "--" + option)
            : variables.Select(name => (Value: terminal.Variable(name), Name: name)).FirstOrDefault(pair => pair.Value is not null) is { Value: { } fromVariable } found ? (fromVariable, "$" + found.Name)
            : (fallback, "the default");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"{source} must be an absolute http(s) URL such as {fallback}, got '{text}'");
        }

        // A trailing slash makes relative paths land under a path prefix (a Monitor behind /claybus/ keeps it).
        var baseAddress = address.AbsolutePath.EndsWith('/') ? address : new Uri(address.GetLeftPart(UriPartial.Path) + "/");
        return new ServiceAddress(service, baseAddress, "--" + option, variables[0]);
    }
}
