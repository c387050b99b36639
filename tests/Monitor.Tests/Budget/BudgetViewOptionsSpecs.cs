using ClayBus.Monitor.Budget;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Tests.Budget;

/// <summary><c>Budget:StoreTimeoutMilliseconds</c> was <c>Budget:LedgerTimeoutMilliseconds</c>: both keys are read.</summary>
public sealed class BudgetViewOptionsSpecs
{
    [Fact]
    public void Should_read_the_new_key()
    {
        var (options, warnings) = Start(new() { ["Budget:StoreTimeoutMilliseconds"] = "900" });

        Assert.Equal(900, options.StoreTimeoutMilliseconds);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Should_still_read_the_retired_key_and_warn_with_the_new_one()
    {
        var (options, warnings) = Start(new() { ["Budget:LedgerTimeoutMilliseconds"] = "700" });

        Assert.Equal(700, options.StoreTimeoutMilliseconds);
        var warning = Assert.Single(warnings);
        Assert.Contains("Budget:LedgerTimeoutMilliseconds", warning, StringComparison.Ordinal);
        Assert.Contains("Budget:StoreTimeoutMilliseconds", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_prefer_the_new_key_when_both_are_set()
    {
        var (options, warnings) = Start(new() { ["Budget:StoreTimeoutMilliseconds"] = "900", ["Budget:LedgerTimeoutMilliseconds"] = "700" });

        Assert.Equal(900, options.StoreTimeoutMilliseconds);
        Assert.Contains("ignored", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_validate_a_retired_value_like_a_new_one()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Start(new() { ["Budget:LedgerTimeoutMilliseconds"] = "5" }));

        Assert.Contains("Budget:StoreTimeoutMilliseconds", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_default_when_neither_key_is_set()
    {
        var (options, warnings) = Start([]);

        Assert.Equal(2_000, options.StoreTimeoutMilliseconds);
        Assert.Empty(warnings);
    }

    private static (BudgetViewOptions Options, List<string> Warnings) Start(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new());
        builder.Configuration.AddInMemoryCollection(settings);
        var warnings = new List<string>();
        builder.Logging.AddProvider(new WarningCollector(warnings));
        builder.AddBudgetTracking();
        using var provider = builder.Services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<BudgetViewOptions>>().Value;
        Assert.Contains(builder.Services, service => service.ServiceType == typeof(IHostedService) && service.ImplementationType == typeof(RetiredBudgetKeyWarning));
        ActivatorUtilities.CreateInstance<RetiredBudgetKeyWarning>(provider).StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return (options, warnings);
    }

    private sealed class WarningCollector(List<string> warnings) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                warnings.Add(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }
}
