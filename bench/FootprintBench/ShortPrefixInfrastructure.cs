using ClayBus.Testing;

namespace ClayBus.FootprintBench;

/// <summary>
/// The test fixture's vhost and Redis, with a short key prefix for the services: every key name carries the prefix,
/// and a production prefix is a few characters, not the fixture's 50.
/// </summary>
public sealed class ShortPrefixInfrastructure : InfrastructureFixture
{
    public string KeyPrefix { get; } = "fb" + Guid.NewGuid().ToString("N")[..4] + ":";

    public override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?>(base.Settings) { ["Redis:KeyPrefix"] = KeyPrefix };

    public override async Task DisposeAsync()
    {
        var server = Redis.Connection.GetServer(Redis.Connection.GetEndPoints()[0]);
        await foreach (var key in server.KeysAsync(pattern: KeyPrefix + "*", pageSize: 1000))
        {
            await Redis.Database.KeyDeleteAsync(key);
        }

        await base.DisposeAsync();
    }
}
