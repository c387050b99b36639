using Xunit.Abstractions;

[assembly: Xunit.TestCollectionOrderer("ClayBus.EndToEnd.Tests.Harness.LongestFirst", "ClayBus.EndToEnd.Tests")]

namespace ClayBus.EndToEnd.Tests.Harness;

/// <summary>
/// Starts the longest suites first (as measured in fresh-clone runs), then the rest in xUnit's own order (by unique id,
/// which mixes the folders: by name, the crash suites ran side by side and took twice as long): with two lanes, a long
/// suite started last runs alone while the other lane idles.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private static readonly string[] Longest =
    [
        "ClusterFailoverSpecs", "RedisFullSpecs", "MoneySpecs", "ClayOutageSpecs", "DeadLetterRequeueSpecs",
        "MalformedInputSpecs", "WebhookCapSpecs", "DashboardBrowserSpecs", "HotLeadSpecs",
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(Rank).ThenBy(collection => collection.UniqueID);

    private static int Rank(ITestCollection collection)
    {
        var rank = Array.FindIndex(Longest, suite => collection.DisplayName.Contains("." + suite, StringComparison.Ordinal));
        return rank < 0 ? Longest.Length : rank;
    }
}
