namespace ClayBus.Cli.Console;

/// <summary>
/// The process exit codes, the same for every command so scripts can branch on them. 2 stays "the command line is
/// wrong" (the shell convention), so a job that completed with failures is 5, not 2.
/// </summary>
public static class ExitCode
{
    /// <summary>Done; for <c>status --until-done</c>: the job completed with every row enriched.</summary>
    public const int Success = 0;

    /// <summary>The operation failed: a service unreachable, an error answer, a job not found.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong; the message says what to change.</summary>
    public const int Usage = 2;

    /// <summary><c>status --until-done</c>: the job is stuck (no progress for the Monitor's stuck timeout).</summary>
    public const int JobStuck = 3;

    /// <summary><c>status --until-done</c>: an operator cancelled the job.</summary>
    public const int JobCancelled = 4;

    /// <summary><c>status --until-done</c>: the job finished, but some rows failed or went to a dead-letter queue.</summary>
    public const int JobCompletedWithFailures = 5;

    /// <summary><c>dlq requeue</c>: the canary stopped the run, because a failure group it was moving grew again.</summary>
    public const int RequeueStopped = 6;

    /// <summary>Ctrl-C during an operation that is not a watch (the shell's 128 + SIGINT).</summary>
    public const int Interrupted = 130;
}
