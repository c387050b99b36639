using ClayBus.Cli.Budget;
using ClayBus.Cli.Cancel;
using ClayBus.Cli.Console;
using ClayBus.Cli.DeadLetters;
using ClayBus.Cli.Planning;
using ClayBus.Cli.Status;
using ClayBus.Cli.Submit;

// The command table: one line per command, one folder per command.
var terminal = Terminal.ForProcess();
ICommand[] commands =
[
    new SubmitCommand(terminal),
    new StatusCommand(terminal),
    new CancelCommand(terminal),
    new DeadLetterListCommand(terminal),
    new DeadLetterRequeueCommand(terminal),
    new BudgetHoldsCommand(terminal),
    new BudgetReleaseHoldCommand(terminal),
    new PlanCommand(terminal),
];

return await CommandRunner.RunAsync(commands, args, terminal);
