using System.Net.Http.Json;

namespace ClayBus.Testing;

/// <summary>One user of <c>deploy/rabbitmq/permissions</c>: RabbitMQ's three regular expressions and the user's tags.</summary>
public sealed record BrokerUserPermissions(string User, string Configure, string Write, string Read, string Tags)
{
    /// <summary>The lines of the permissions file the scripts, Compose and Kubernetes apply, by user.</summary>
    public static async Task<IReadOnlyDictionary<string, BrokerUserPermissions>> ReadAsync()
    {
        var lines = await File.ReadAllLinesAsync(Path.Combine(ServiceProcess.RepositoryRoot, "deploy", "rabbitmq", "permissions"));
        return lines
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Select(f => new BrokerUserPermissions(f[0], f[1], f[2], f[3], f.Length > 4 && f[4] != "-" ? f[4] : ""))
            .ToDictionary(p => p.User, StringComparer.Ordinal);
    }
}

/// <summary>
/// The service users of <c>deploy/rabbitmq/permissions</c> in one test vhost, each made under a name of its own
/// (users are broker-wide, permissions per vhost) with a fresh password, and deleted with <see cref="DisposeAsync"/>.
/// </summary>
public sealed class BrokerUsers : IAsyncDisposable
{
    private readonly RabbitMqTestVhost _vhost;
    private readonly Dictionary<string, (string Name, string Password)> _users = new(StringComparer.Ordinal);

    private BrokerUsers(RabbitMqTestVhost vhost) => _vhost = vhost;

    /// <summary>Makes the given users of the permissions file (e.g. <c>submitter</c>, <c>enricher</c>, <c>monitor</c>).</summary>
    public static async Task<BrokerUsers> CreateAsync(RabbitMqTestVhost vhost, params string[] users)
    {
        var file = await BrokerUserPermissions.ReadAsync();
        var made = new BrokerUsers(vhost);
        foreach (var user in users)
        {
            var permissions = file[user];
            var name = $"{user}-{Guid.NewGuid():N}";
            var password = Guid.NewGuid().ToString("N");
            made._users[user] = (name, password);
            (await vhost.Management.PutAsJsonAsync($"users/{name}", new { password, tags = permissions.Tags })).EnsureSuccessStatusCode();
            (await vhost.Management.PutAsJsonAsync(
                $"permissions/{vhost.EscapedName}/{name}",
                new { configure = permissions.Configure, write = permissions.Write, read = permissions.Read })).EnsureSuccessStatusCode();
        }

        return made;
    }

    public (string Name, string Password) this[string user] => _users[user];

    /// <summary>Every password handed out: none may appear in any process's output.</summary>
    public IEnumerable<string> Passwords => _users.Values.Select(user => user.Password);

    /// <summary>The settings that make a service connect as <paramref name="user"/> (environment variable names).</summary>
    public IEnumerable<KeyValuePair<string, string?>> Environment(string user) =>
    [
        new("RabbitMq__Username", _users[user].Name),
        new("RabbitMq__Password", _users[user].Password),
    ];

    public async ValueTask DisposeAsync()
    {
        foreach (var (name, _) in _users.Values)
        {
            await _vhost.Management.DeleteAsync($"users/{name}");
        }
    }
}
