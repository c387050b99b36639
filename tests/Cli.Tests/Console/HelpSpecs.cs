namespace ClayBus.Cli.Tests.Console;

/// <summary>Every command and group answers --help with its usage and exit 0; unknown words are usage errors (exit 2).</summary>
public sealed class HelpSpecs
{
    [Theory]
    [InlineData("submit", "claybus submit <leads.csv> [options]", "--idempotency-key <key>")]
    [InlineData("status", "claybus status [<job-id>] [options]", "--until-done")]
    [InlineData("cancel", "claybus cancel <job-id> [options]", "--reason <text>")]
    [InlineData("dlq", "claybus dlq [command] [options]", "requeue <queue_error>")]
    [InlineData("dlq list", "claybus dlq list [options]", "--monitor <url>")]
    [InlineData("dlq requeue", "claybus dlq requeue [<queue_error>] [options]", "--canary-wait <30s>")]
    [InlineData("plan", "claybus plan [options]", "--monthly-leads <n>")]
    public async Task Should_print_the_usage_of_a_command_and_exit_0(string command, string usage, string option)
    {
        foreach (var help in new[] { "--help", "-h" })
        {
            var cli = new CliRun();

            var exit = await cli.RunAsync([.. command.Split(' '), help]);

            Assert.Equal(0, exit);
            Assert.Contains("Usage:", cli.Output, StringComparison.Ordinal);
            Assert.Contains(usage, cli.Output, StringComparison.Ordinal);
            Assert.Contains(option, cli.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData]
    [InlineData("--help")]
    [InlineData("help")]
    public async Task Should_list_every_command_without_one(params string[] arguments)
    {
        var cli = new CliRun();

        var exit = await cli.RunAsync(arguments);

        Assert.Equal(0, exit);
        Assert.All(["submit", "status", "cancel", "dlq", "plan"], command => Assert.Contains("  " + command + " ", cli.Output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_print_a_commands_notes_with_help_before_its_name()
    {
        var cli = new CliRun();

        var exit = await cli.RunAsync("help", "cancel");

        Assert.Equal(0, exit);
        Assert.Contains("claybus cancel <job-id> [options]", cli.Output, StringComparison.Ordinal);
        Assert.Contains("Needs an API key with the operate role", cli.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Unrecognized command or argument 'frobnicate'", "frobnicate")]
    [InlineData("Required command was not provided", "dlq")]
    [InlineData("Unrecognized command or argument 'purge'", "dlq", "purge")]
    [InlineData("Required argument missing for command: 'cancel'", "cancel")]
    [InlineData("--reason needs a value", "cancel", "0b7e4c3a-2f1d-4e8a-9c61-5d2f7a9e1b34", "--reason", "--monitor")]
    public async Task Should_refuse_an_unknown_or_incomplete_command_line_with_exit_2(string message, params string[] arguments)
    {
        var cli = new CliRun();

        var exit = await cli.RunAsync(arguments);

        Assert.Equal(2, exit);
        Assert.Contains(message, cli.Output, StringComparison.Ordinal);
        Assert.Contains("Usage:", cli.Output, StringComparison.Ordinal);
    }
}
