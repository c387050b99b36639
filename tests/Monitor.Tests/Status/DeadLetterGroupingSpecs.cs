using ClayBus.Monitor.Status;

namespace ClayBus.Monitor.Tests.Status;

public class DeadLetterGroupingSpecs
{
    [Fact]
    public void Should_group_by_exception_type_and_first_line_of_the_message()
    {
        var messages = new[]
        {
            Fault("ClayBus.ClayRejected", "Clay answered 422\n at line 1"),
            Fault("ClayBus.ClayRejected", "Clay answered 422\n at line 2"),
            Fault("System.TimeoutException", "timed out"),
            new Dictionary<string, string>(),
        };

        var groups = DeadLetterGrouping.Group("deliver-batch_error", messages);

        Assert.Equal(3, groups.Count);
        Assert.Equal(("ClayBus.ClayRejected", "Clay answered 422", 2), (groups[0].ExceptionType, groups[0].Message, groups[0].Count));
        Assert.Equal(DeadLetterGrouping.GroupId("deliver-batch_error", "ClayBus.ClayRejected", "Clay answered 422"), groups[0].Id);
        Assert.Contains(groups, group => group.ExceptionType == "unknown");
        Assert.Equal("deliver-batch", DeadLetterGrouping.SourceOf("deliver-batch_error"));
    }

    private static Dictionary<string, string> Fault(string type, string message) => new()
    {
        ["MT-Fault-ExceptionType"] = type,
        ["MT-Fault-Message"] = message,
    };
}
