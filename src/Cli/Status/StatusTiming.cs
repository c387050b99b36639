namespace ClayBus.Cli.Status;

/// <param name="Refresh">How often a watch reads the Monitor again.</param>
/// <param name="NotFoundGrace">How long a watch waits for a job the Monitor does not know yet: right after
/// <c>claybus submit</c> the Monitor may not have consumed the job's JobSubmitted event.</param>
/// <param name="OutageLimit">How long a watch rides out a Monitor that stopped answering (a restart, a deploy) before it gives up.</param>
/// <param name="Heartbeat">Without a terminal, an unchanged line is printed again this often, so a log shows the watch is alive.</param>
public sealed record StatusTiming(TimeSpan Refresh, TimeSpan NotFoundGrace, TimeSpan OutageLimit, TimeSpan Heartbeat)
{
    public static StatusTiming Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(15));
}
