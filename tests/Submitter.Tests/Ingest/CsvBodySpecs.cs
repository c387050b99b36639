using System.Security.Cryptography;
using System.Text;
using ClayBus.Submitter.Ingest;

namespace ClayBus.Submitter.Tests.Ingest;

public class CsvBodySpecs
{
    [Fact]
    public async Task Should_hash_the_upload_as_sent_while_spooling_it_and_read_it_back_whole()
    {
        // 300 KB: several chunks, the last one partial.
        var bytes = Encoding.UTF8.GetBytes("email,source\n" + string.Concat(Enumerable.Range(0, 10_000).Select(i => $"lead{i}@acme{i % 7}.com,web\n")));
        var directory = Directory.CreateTempSubdirectory("claybus-csv-");
        try
        {
            await using (var body = await CsvBody.SpoolAsync(new MemoryStream(bytes), directory.FullName, CancellationToken.None))
            {
                using var copy = new MemoryStream();
                await body.File.CopyToAsync(copy);

                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), body.Hash);
                Assert.Equal(bytes, copy.ToArray());
            }

            Assert.Empty(directory.GetFiles());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
