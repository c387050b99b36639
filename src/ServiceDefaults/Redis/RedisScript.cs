using System.Text;
using StackExchange.Redis;

namespace ClayBus.ServiceDefaults.Redis;

/// <summary>
/// One Lua script with named parameters: the body reads each key and argument as a local of its name (bound from
/// KEYS and ARGV by a preamble made here), and a caller passes them by name, so no position is written twice.
/// A script that takes a variable number of keys or arguments reads those past the named ones from
/// <c>KEYS</c>/<c>ARGV</c> at <c>first_rest_key</c>/<c>first_rest_arg</c> and on.
/// </summary>
public sealed class RedisScript
{
    private readonly string[] _keys;
    private readonly string[] _args;

    /// <param name="name">What the script does, for errors.</param>
    /// <param name="keys">The names of the leading KEYS, in order.</param>
    /// <param name="args">The names of the leading ARGV, in order.</param>
    /// <param name="body">The Lua, which reads the names above as locals.</param>
    public RedisScript(string name, string[] keys, string[] args, string body)
    {
        Name = name;
        _keys = keys;
        _args = args;
        var source = new StringBuilder();
        for (var i = 0; i < keys.Length; i++)
        {
            source.Append("local ").Append(keys[i]).Append(" = KEYS[").Append(i + 1).Append("]\n");
        }

        for (var i = 0; i < args.Length; i++)
        {
            source.Append("local ").Append(args[i]).Append(" = ARGV[").Append(i + 1).Append("]\n");
        }

        source.Append("local first_rest_key, first_rest_arg = ").Append(keys.Length + 1).Append(", ").Append(args.Length + 1).Append('\n');
        Source = source.Append(body).ToString();
    }

    public string Name { get; }

    /// <summary>The Lua sent to Redis: the preamble that binds the names, then the body.</summary>
    public string Source { get; }

    /// <summary>Runs the script with every named key and argument given once, in the declared order.</summary>
    /// <param name="restKeys">Keys past the named ones (a script over a variable number of keys).</param>
    /// <param name="restArgs">Arguments past the named ones.</param>
    public Task<RedisResult> EvaluateAsync(
        IDatabaseAsync database,
        (string Name, RedisKey Key)[] keys,
        (string Name, RedisValue Value)[] args,
        IEnumerable<RedisKey>? restKeys = null,
        IEnumerable<RedisValue>? restArgs = null)
    {
        Check("key", _keys, keys.Select(k => k.Name).ToArray());
        Check("argument", _args, args.Select(a => a.Name).ToArray());
        RedisKey[] allKeys = [.. keys.Select(k => k.Key), .. restKeys ?? []];
        RedisValue[] allArgs = [.. args.Select(a => a.Value), .. restArgs ?? []];
        return database.ScriptEvaluateAsync(Source, allKeys, allArgs);
    }

    // A call that names a parameter wrongly or out of order would bind it to another one's position: fail instead.
    private void Check(string kind, string[] declared, string[] given)
    {
        if (!declared.AsSpan().SequenceEqual(given))
        {
            throw new ArgumentException(
                $"Script '{Name}' takes the {kind}s ({string.Join(", ", declared)}) in that order, but was given ({string.Join(", ", given)}).");
        }
    }
}
