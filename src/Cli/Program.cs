using ClayBus.Cli.Console;
using ClayBus.Cli.Planning;
using ClayBus.Cli.Submit;

// The command table: one line per command, one file (or folder) per command.
ICommand[] commands =
[
    new SubmitCommand(),
    new PlanCommand(),
];

return await CommandRunner.RunAsync(commands, args);
