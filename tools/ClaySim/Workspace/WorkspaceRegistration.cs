using ClayBus.ClaySim.Clock;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ClayBus.ClaySim.Workspace;

internal static class WorkspaceRegistration
{
    /// <summary>The workspace from the <c>ClaySim</c> section, validated at start; settings; the (replaceable) clock.</summary>
    public static WebApplicationBuilder AddClayWorkspace(this WebApplicationBuilder builder)
    {
        UseShippedSettingsWhenStartedElsewhere(builder);
        builder.Services.AddOptions<ClaySimOptions>()
            .BindConfiguration(ClaySimOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new SettingsBoard(SimSettings.From(sp.GetRequiredService<IOptions<ClaySimOptions>>().Value)));
        builder.Services.AddSingleton<SimClock>();
        builder.Services.AddSingleton<ClayWorkspace>();
        return builder;
    }

    /// <summary>
    /// <c>dotnet bin/…/ClayBus.ClaySim.dll</c> started from another folder (scripts/run.sh) would find no appsettings.json
    /// and so no default workspace: fall back to the copy beside the assembly, as the lowest-priority source so that
    /// environment variables and the command line still override it.
    /// </summary>
    private static void UseShippedSettingsWhenStartedElsewhere(WebApplicationBuilder builder)
    {
        var local = Path.Combine(builder.Environment.ContentRootPath, "appsettings.json");
        var shipped = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (File.Exists(local) || !File.Exists(shipped))
        {
            return;
        }

        var source = new JsonConfigurationSource { Path = "appsettings.json", Optional = true, ReloadOnChange = false };
        source.ResolveFileProvider();
        source.FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory);
        builder.Configuration.Sources.Insert(0, source);
    }
}
