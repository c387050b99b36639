using Microsoft.Extensions.Configuration;

namespace ClayBus.Testing.Security;

/// <summary>Configuration a test replaces while the host runs, as a rewritten mounted secret file would be.</summary>
public sealed class ReloadableSettings : ConfigurationProvider, IConfigurationSource
{
    public ReloadableSettings(IReadOnlyDictionary<string, string?> values) => Set(values);

    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    /// <summary>
    /// Replaces the values and signals the change. A listener that throws (an options monitor whose new value fails
    /// validation) is returned, not thrown: a file watcher raises the change on a task nobody observes.
    /// </summary>
    public Exception? Replace(IReadOnlyDictionary<string, string?> values)
    {
        Set(values);
        try
        {
            OnReload();
            return null;
        }
        catch (AggregateException exception)
        {
            return exception;
        }
    }

    private void Set(IReadOnlyDictionary<string, string?> values) =>
        Data = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);
}
