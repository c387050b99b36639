using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ClayBus.ClaySim.Tests.Support;

namespace ClayBus.ClaySim.Tests.Ingest;

/// <summary>Garbage in, a 4xx out, and the simulator keeps serving.</summary>
public sealed class MalformedInputSpecs() : ClaySimSpecs(new Dictionary<string, string?> { ["ClaySim:LimitsEnabled"] = "false" })
{
    [Fact]
    public async Task Should_answer_every_garbage_body_with_a_4xx_and_stay_healthy()
    {
        var hook = await Sim.CreateTableAsync("garbage-specs");
        var random = new Random(20260101);
        var count = Environment.GetEnvironmentVariable("CLAYBUS_FULL") == "1" ? 5_000 : 600;

        for (var i = 0; i < count; i++)
        {
            var body = Garbage(random, i);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/v3/sources/webhook/{hook.Id}", UriKind.Relative)) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("x-clay-webhook-auth", hook.Token);

            var response = await Sim.Http.SendAsync(request);

            Assert.True((int)response.StatusCode is >= 400 and < 500, $"body #{i} ({Convert.ToHexString(body.AsSpan(0, Math.Min(40, body.Length)))}…) got {(int)response.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.OK, (await Sim.Http.GetAsync(new Uri("/_sim/health", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Sim.SendRowsAsync(hook, ["still-serving"])).StatusCode);
        Assert.Equal(1, await Sim.CounterAsync("webhooks", hook.Id, "recordsAccepted"));
    }

    /// <summary>Bodies that are never one object or an array of objects, each kind in turn.</summary>
    private static byte[] Garbage(Random random, int i)
    {
        const string valid = """[{"claybus_row_id":"r1","email":"ada@example.com","tags":["a","b"],"n":1.5e3}]""";
        switch (i % 8)
        {
            case 0:
                var bytes = new byte[random.Next(1, 2_000)];
                random.NextBytes(bytes);
                bytes[0] = (byte)"x]}:,0\"\0"[random.Next(8)];
                return bytes;
            case 1:
                return Encoding.UTF8.GetBytes(valid[..random.Next(0, valid.Length - 1)]);
            case 2:
                var depth = random.Next(65, 5_000);
                return Encoding.UTF8.GetBytes("[{\"a\":" + new string('[', depth) + new string(']', depth) + "}]");
            case 3:
                return Encoding.UTF8.GetBytes(new[] { "null", "true", "42", "\"s\"", "[null]", "[[]]", "[{},1]", "[{}, []]" }[random.Next(8)]);
            case 4:
                var utf8 = Encoding.UTF8.GetBytes("{\"claybus_row_id\":\"xx\"}");
                utf8[19] = 0xC3;
                utf8[20] = (byte)random.Next(0x00, 0x7F);
                return utf8;
            case 5:
                return Encoding.UTF8.GetBytes(valid + new[] { " x", "]", "{}", ",", "\0" }[random.Next(5)]);
            case 6:
                return Encoding.UTF8.GetBytes(valid.Insert(2, ":,}]"[random.Next(4)].ToString()));
            default:
                return Encoding.UTF8.GetBytes("{\"a\":" + new string(' ', random.Next(0, 50)) + "}" + "garbage"[..random.Next(1, 7)]);
        }
    }
}
