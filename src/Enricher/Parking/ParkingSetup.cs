using ClayBus.ServiceDefaults.Configuration;

namespace ClayBus.Enricher.Parking;

public static class ParkingSetup
{
    /// <summary>Parking of batches whose table must wait (<c>Parking</c> section), and the tables in readiness.</summary>
    public static IHostApplicationBuilder AddParking(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ParkingOptions>(ParkingOptions.Section);
        builder.Services.AddSingleton<ParkedTables>();
        builder.Services.AddSingleton<BatchParking>();
        builder.Services.AddHealthChecks().AddCheck<ParkedTablesHealthCheck>("tables", tags: ["ready"]);
        return builder;
    }
}
