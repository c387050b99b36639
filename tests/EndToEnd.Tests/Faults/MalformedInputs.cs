using System.Text;

namespace ClayBus.EndToEnd.Tests.Faults;

/// <summary>
/// Seeded hostile payloads: valid ones cut short, bytes flipped, wrong types, deep nesting, huge fields, random
/// bytes. The same seed gives the same thousand inputs, so a failure can be replayed.
/// </summary>
public static class MalformedInputs
{
    private const string ValidJob = """{"rows":[{"email":"ana@acme.com","company":"Acme","industry":"Software"}],"table":"auto","priority":"high","source":"fuzz"}""";
    private const string ValidCsv = "email,first_name,company,industry\nana@acme.com,Ana,Acme,Software\nbob@globex.io,Bob,Globex,Banking\n";
    private const string ValidCallback = """{"claybus_row_id":"r1","claybus_job_id":"00000000-0000-0000-0000-000000000001","status":"enriched","successful_provider":"apollo","providers":[{"provider":"apollo","result":"hit","data_credits":2}],"credits":{"data_credits":2,"actions":2}}""";

    public static IEnumerable<byte[]> Jobs(int count, int seed) => Mutations(ValidJob, count, seed, json: true);

    public static IEnumerable<byte[]> Csvs(int count, int seed) => Mutations(ValidCsv, count, seed, json: false);

    public static IEnumerable<byte[]> Callbacks(int count, int seed) => Mutations(ValidCallback, count, seed, json: true);

    private static IEnumerable<byte[]> Mutations(string valid, int count, int seed, bool json)
    {
        var random = new Random(seed);
        var bytes = Encoding.UTF8.GetBytes(valid);
        for (var i = 0; i < count; i++)
        {
            yield return (i % 10) switch
            {
                0 => bytes[..random.Next(bytes.Length)],
                1 => Flip(bytes, random, 1 + random.Next(8)),
                2 => Encoding.UTF8.GetBytes(json ? WrongTypes(random) : "email\n\"unterminated,quote\n"),
                3 => Encoding.UTF8.GetBytes(new string('[', 5_000 + random.Next(5_000)) + new string(']', 10)),
                4 => Encoding.UTF8.GetBytes(json ? $$"""{"rows":[{"email":"{{new string('a', 200_000)}}@x.com"}]}""" : "email,notes\na@b.com," + new string('x', 2_000_000) + "\n"),
                5 => Random(random, 1 + random.Next(4_096)),
                6 => [],
                7 => Encoding.UTF8.GetBytes(json ? "null" : "\n\n\n"),
                8 => Encoding.UTF8.GetBytes(json ? "{\"rows\":[" + string.Join(',', Enumerable.Repeat("{}", 2_000)) + "]}" : ",,,,\n,,,,\n"),
                _ => Encoding.UTF8.GetBytes(valid.Replace("\"", "'", StringComparison.Ordinal)),
            };
        }
    }

    private static string WrongTypes(Random random) => random.Next(4) switch
    {
        0 => """{"rows":"everyone"}""",
        1 => """{"rows":[{"email":42}],"priority":{"x":1}}""",
        2 => """{"claybus_row_id":7,"status":[],"providers":"none","credits":{"data_credits":-5}}""",
        _ => """[1,2,3]""",
    };

    private static byte[] Flip(byte[] valid, Random random, int flips)
    {
        var copy = (byte[])valid.Clone();
        for (var i = 0; i < flips; i++)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }

        return copy;
    }

    private static byte[] Random(Random random, int length)
    {
        var noise = new byte[length];
        random.NextBytes(noise);
        return noise;
    }
}
