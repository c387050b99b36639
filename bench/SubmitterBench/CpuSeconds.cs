using System.Globalization;

/// <summary>CPU time (user + system) of the Submitter, RabbitMQ and Redis processes, read from /proc.</summary>
internal sealed record CpuSeconds(double Submitter, double RabbitMq, double Redis)
{
    // Linux reports /proc/<pid>/stat times in USER_HZ, 100 a second on every mainstream kernel.
    private const double TicksPerSecond = 100;

    public static CpuSeconds Of(int submitterPid) =>
        new(Process(submitterPid), Named("beam.smp"), Named("redis-server"));

    public CpuPerRow PerRowSince(CpuSeconds before, int rows) =>
        new((Submitter - before.Submitter) * 1e6 / rows, (RabbitMq - before.RabbitMq) * 1e6 / rows, (Redis - before.Redis) * 1e6 / rows);

    private static double Named(string command) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Where(pid => ReadOrEmpty($"/proc/{pid}/comm").Trim() == command)
            .Sum(pid => Process(int.Parse(pid!, CultureInfo.InvariantCulture)));

    private static double Process(int pid)
    {
        // The command name in field 2 may hold spaces and parentheses: count fields after the last ')'.
        var stat = ReadOrEmpty($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length < 13 ? 0 : (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return ")  ";
        }
        catch (UnauthorizedAccessException)
        {
            return ")  ";
        }
    }
}

/// <summary>CPU microseconds a row, per process.</summary>
internal sealed record CpuPerRow(double Submitter, double RabbitMq, double Redis);
