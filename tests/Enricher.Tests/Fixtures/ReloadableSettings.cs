using Microsoft.Extensions.Configuration;

namespace ClayBus.Enricher.Tests.Fixtures;

/// <summary>A configuration source a test changes while the host runs, as a mounted secret file would change.</summary>
public sealed class ReloadableSettings : ConfigurationProvider, IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public void Set(IReadOnlyDictionary<string, string?> settings)
    {
        foreach (var (key, value) in settings)
        {
            Data[key] = value;
        }

        OnReload();
    }
}
