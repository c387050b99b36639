using ClayBus.Testing;

namespace ClayBus.Submitter.Tests.Hosting;

[Trait("Category", "Integration")]
public class StartupSpecs(InfrastructureFixture infrastructure) : HostStartupSpecs<Program>(infrastructure)
{
    [Theory]
    [InlineData("Ingest:MaxCsvRows", "0")]
    [InlineData("Ingest:MaxJsonRows", "-1")]
    [InlineData("Ingest:MinBodyBytesPerSecond", "0")]
    [InlineData("Ingest:MinBodyGraceSeconds", "0")]
    public async Task Should_refuse_to_start_naming_a_bad_input_limit(string key, string value)
    {
        await using var factory = Create(new Dictionary<string, string?> { [key] = value });

        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(key + ": must be between", Flatten(failure), StringComparison.Ordinal);
    }

    private static string Flatten(Exception exception) =>
        exception is AggregateException aggregate
            ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(Flatten))
            : exception.Message + (exception.InnerException is null ? "" : " | " + Flatten(exception.InnerException));
}
