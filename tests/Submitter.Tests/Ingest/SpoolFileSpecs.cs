using ClayBus.Submitter.Ingest;

namespace ClayBus.Submitter.Tests.Ingest;

public class SpoolFileSpecs
{
    [Fact]
    public async Task Should_keep_the_file_while_open_and_delete_it_on_close()
    {
        var directory = Directory.CreateTempSubdirectory("claybus-spool-");
        try
        {
            await using (var file = SpoolFile.Create(directory.FullName, "json"))
            {
                await file.WriteAsync(new byte[] { 1, 2, 3 });
                var spooled = Assert.Single(directory.GetFiles());
                Assert.StartsWith("claybus-job-", spooled.Name, StringComparison.Ordinal);
                Assert.EndsWith(".json", spooled.Name, StringComparison.Ordinal);
            }

            Assert.Empty(directory.GetFiles());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
