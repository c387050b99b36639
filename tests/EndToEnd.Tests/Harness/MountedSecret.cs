using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Harness;

/// <summary>
/// The Enrichers' mounted secret file, <c>secrets/claybus.json</c> under their content root (their build output here),
/// which they watch and re-read as Kubernetes swaps a mounted Secret. Written before the Enrichers start, so the
/// watcher sees a change rather than a file appearing; removed when disposed, so no other suite reads it.
/// </summary>
public sealed class MountedSecret : IDisposable
{
    private readonly string _path;

    private MountedSecret(string path) => _path = path;

    public static MountedSecret Create()
    {
        // The configuration folder of this test build (…/bin/<configuration>/net10.0/) is the services' too.
        var configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar))!);
        var folder = Path.Combine(ServiceProcess.RepositoryRoot, "src", "Enricher", "bin", configuration, "net10.0", "secrets");
        Directory.CreateDirectory(folder);
        var secret = new MountedSecret(Path.Combine(folder, "claybus.json"));
        secret.Write("{}");
        return secret;
    }

    public void Write(string json)
    {
        // Written beside and moved in, as a symlink swap replaces a mounted file at once.
        var next = _path + ".next";
        File.WriteAllText(next, json);
        File.Move(next, _path, overwrite: true);
    }

    public void Dispose() => File.Delete(_path);
}
