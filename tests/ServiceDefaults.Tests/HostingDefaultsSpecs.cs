using ClayBus.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ClayBus.ServiceDefaults.Tests;

public sealed class HostingDefaultsSpecs : IDisposable
{
    private readonly DirectoryInfo _contentRoot = Directory.CreateTempSubdirectory("claybus-hosting-");

    [Fact]
    public async Task Should_read_the_mounted_configuration_and_secret_files_and_see_a_change_without_a_restart()
    {
        var config = _contentRoot.CreateSubdirectory("config");
        var secrets = _contentRoot.CreateSubdirectory("secrets");
        await File.WriteAllTextAsync(Path.Combine(config.FullName, "claybus.json"), """{ "Tables": { "leads": { "CreditsPerRow": 6 } } }""");
        await File.WriteAllTextAsync(Path.Combine(secrets.FullName, "claybus.json"), """{ "Tables": { "leads": { "Webhooks": [ { "Url": "https://example.test/hook-1" } ] } } }""");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _contentRoot.FullName });
        builder.AddServiceDefaults();
        using var host = builder.Build();
        var configuration = (IConfiguration)host.Services.GetService(typeof(IConfiguration))!;

        Assert.Equal("6", configuration["Tables:leads:CreditsPerRow"]);
        Assert.Equal("https://example.test/hook-1", configuration["Tables:leads:Webhooks:0:Url"]);

        await File.WriteAllTextAsync(
            Path.Combine(secrets.FullName, "claybus.json"),
            """{ "Tables": { "leads": { "Webhooks": [ { "Url": "https://example.test/hook-1" }, { "Url": "https://example.test/hook-2" } ] } } }""");
        await Eventually.Until(
            () => configuration["Tables:leads:Webhooks:1:Url"] == "https://example.test/hook-2",
            TimeSpan.FromSeconds(15),
            "the second webhook from the rewritten secret file");
    }

    public void Dispose() => _contentRoot.Delete(recursive: true);
}
