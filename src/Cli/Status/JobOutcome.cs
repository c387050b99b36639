namespace ClayBus.Cli.Status;

/// <summary>What a job's phase means to a script waiting on it (<c>claybus status &lt;job&gt; --until-done</c>).</summary>
public static class JobOutcome
{
    /// <summary>The exit code when waiting should stop here, or null while the job is still moving.</summary>
    /// <remarks>
    /// Stuck is not final in the Monitor (progress un-sticks a job), but a script gains nothing by waiting on it:
    /// somebody has to look (the likely cause is printed), so waiting ends there too.
    /// </remarks>
    public static int? ExitCode(string phase) => phase.ToLowerInvariant() switch
    {
        "completed" => Console.ExitCode.Success,
        "completedwithfailures" => Console.ExitCode.JobCompletedWithFailures,
        "cancelled" => Console.ExitCode.JobCancelled,
        "stuck" => Console.ExitCode.JobStuck,
        _ => null,
    };

    public static string Describe(string phase) => phase.ToLowerInvariant() switch
    {
        "submitted" => "submitted, waiting for delivery",
        "delivering" => "delivering to Clay",
        "enriching" => "delivered, waiting for Clay's callbacks",
        "completed" => "completed",
        "completedwithfailures" => "completed with failures",
        "stuck" => "stuck",
        "cancelled" => "cancelled",
        _ => phase,
    };

    public static string Color(string phase) => phase.ToLowerInvariant() switch
    {
        "completed" => "green",
        "completedwithfailures" => "yellow",
        "stuck" => "red",
        "cancelled" => "grey",
        _ => "blue",
    };
}
