using System.Security.Cryptography;
using System.Text;
using ClayBus.Submitter.Ingest;

namespace ClayBus.Submitter.Tests.Ingest;

/// <summary>A JSON job's body checked as it streams, then read back a row at a time: chunk boundaries change nothing.</summary>
public class JsonBodySpecs
{
    [Theory]
    [InlineData("{\"rows\": [{\"email\": \"a@b.com\"}, {\"email\": \"c@d.com\", \"tags\": [1, [2], {\"x\": 3}]}, null]}", 3)]
    [InlineData("{\"table\": \"auto\", \"Rows\": [{}, {}], \"priority\": \"high\"}", 2)]
    [InlineData("{\"rows\": [{}], \"rows\": [{}, {}, {}, {}]}", 4)]
    [InlineData("{\"rows\": []}", 0)]
    [InlineData("{\"rows\": null}", 0)]
    [InlineData("{\"table\": \"auto\"}", 0)]
    public async Task Should_count_and_read_back_the_rows_the_deserializer_would_read(string json, int expected)
    {
        foreach (var chunk in new[] { 1, 3, 7, 4096 })
        {
            await using var body = await ReadAsync(json, chunk);

            Assert.Equal(expected, body.Scan.Rows);
            var rows = await body.RowsAsync().ToListAsync();
            Assert.Equal(Enumerable.Range(1, expected), rows.Select(row => row.Number));
        }
    }

    [Fact]
    public async Task Should_read_the_options_and_the_rows_fields_and_hash_the_body_as_sent()
    {
        const string json = "{\"Table\": \"people\", \"rows\": [{\"email\": \"ana@acme.com\", \"score\": 7}, null], \"priority\": \"high\", \"idempotencyKey\": \"k-1\", \"dryRun\": true, \"source\": \"crm\"}";

        await using var body = await ReadAsync(json, 5);
        var rows = await body.RowsAsync().ToListAsync();

        Assert.Equal(("people", "high", "k-1", true, "crm"), (body.Scan.Table, body.Scan.Priority, body.Scan.IdempotencyKey, body.Scan.DryRun, body.Scan.Source));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json))), body.Hash);
        Assert.Equal(["email", "score"], rows[0].Fields.Select(field => field.Name));
        Assert.Equal("ana@acme.com", rows[0].Fields[0].Json.GetString());
        Assert.Equal(7, rows[0].Fields[1].Json.GetInt32());
        Assert.NotNull(rows[1].Problem);
    }

    [Theory]
    [InlineData("{\"rows\": [", "$.rows")]
    [InlineData("{\"rows\": \"everyone\"}", "$.rows")]
    [InlineData("{\"rows\": [{}, 5]}", "$.rows[1]")]
    [InlineData("{\"rows\": [{\"email\": }]}", "$.rows[0]")]
    [InlineData("{\"rows\": [{}], \"dryRun\": \"yes\"}", "$.dryRun")]
    [InlineData("{\"rows\": [{}], \"table\": 5}", "$.table")]
    [InlineData("[{\"email\": \"a@b.com\"}]", "$")]
    public async Task Should_name_where_a_broken_body_breaks(string json, string path)
    {
        foreach (var chunk in new[] { 1, 4096 })
        {
            var problem = await Assert.ThrowsAsync<JsonBodyException>(() => ReadAsync(json, chunk));

            Assert.Equal(path, problem.Path);
        }
    }

    [Fact]
    public async Task Should_refuse_bytes_that_are_not_utf8_even_when_a_chunk_cuts_a_character()
    {
        var good = Encoding.UTF8.GetBytes("{\"rows\": [{\"name\": \"Zoë Ångström 日本\"}]}");
        var bad = Encoding.UTF8.GetBytes("{\"rows\": [{\"note\": \"?\"}]}");
        bad[Array.IndexOf(bad, (byte)'?')] = 0xED;

        foreach (var chunk in new[] { 1, 2, 3, 4096 })
        {
            await using (await JsonBody.ReadAsync(new Trickle(good, chunk), 100, Path.GetTempPath(), CancellationToken.None))
            {
            }

            await Assert.ThrowsAsync<DecoderFallbackException>(() => JsonBody.ReadAsync(new Trickle(bad, chunk), 100, Path.GetTempPath(), CancellationToken.None));
        }
    }

    [Fact]
    public async Task Should_stop_reading_one_row_past_the_limit()
    {
        var json = "{\"rows\": [" + string.Join(",", Enumerable.Repeat("{\"email\": \"a@b.com\"}", 100_000)) + "]}";

        await using var body = await JsonBody.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), 10, Path.GetTempPath(), CancellationToken.None);

        Assert.True(body.Scan.TooManyRows);
        Assert.Equal(11, body.Scan.Rows);
    }

    [Fact]
    public async Task Should_read_a_row_larger_than_the_buffer()
    {
        var note = new string('x', 300_000);
        var json = "{\"rows\": [{\"email\": \"a@b.com\", \"note\": \"" + note + "\"}, {\"email\": \"c@d.com\"}]}";

        await using var body = await ReadAsync(json, 4096);
        var rows = await body.RowsAsync().ToListAsync();

        Assert.Equal(2, rows.Count);
        Assert.Equal(note, rows[0].Fields[1].Json.GetString());
    }

    private static Task<JsonBody> ReadAsync(string json, int chunk) =>
        JsonBody.ReadAsync(new Trickle(Encoding.UTF8.GetBytes(json), chunk), 100, Path.GetTempPath(), CancellationToken.None);

    /// <summary>A request body that arrives a few bytes at a time.</summary>
    private sealed class Trickle(byte[] bytes, int chunk) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
