namespace ClayBus.EndToEnd.Tests.Faults;

/// <summary>Settings the outage scenarios share, so the pipeline rides out an outage in seconds rather than minutes.</summary>
public static class RecoverySettings
{
    /// <summary>
    /// While the Monitor cannot record a callback it answers 5xx, asking Clay to call again; this Clay retries for about
    /// a minute of real time (its backoff runs on its 50x clock and stops growing at 6 s), as MonitorCrashSpecs explains.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> PatientClay = new Dictionary<string, string?>
    {
        ["ClaySim__CallbackRetries"] = "12",
        ["ClaySim__CallbackRetryBackoffMs"] = "60000",
    };

    /// <summary>
    /// After a broker restart or a node loss under load, MassTransit 8.5 can leave some of a service's endpoints without
    /// a broker consumer while it reports Ready; the consumer watchdog (ServiceDefaults/Messaging/ConsumerWatchdog.cs)
    /// then exits 75 and the harness, standing in for Kubernetes, starts a new process. Its defaults (45 s + up to
    /// 15 s, then up to 45 s to stop) made that take a minute and a half; these keep its steps and take seconds. Rows
    /// an attempt left claimed wait out their sending lease before they go again: 20 s outlasts one attempt (10 s)
    /// and its backoff (5 s) as the default 60 s does. A Monitor whose callbacks cannot publish for 30 s is replaced too
    /// (the default 90 s outlasts a broker restart on a loaded machine).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> QuickRecovery = new Dictionary<string, string?>
    {
        ["ConsumerWatchdog__IntervalSeconds"] = "2",
        ["ConsumerWatchdog__StallSeconds"] = "20",
        ["ConsumerWatchdog__JitterSeconds"] = "5",
        ["ConsumerWatchdog__ExitTimeoutSeconds"] = "10",
        ["Delivery__SendingLeaseSeconds"] = "20",
        ["Callbacks__PublishTimeoutSeconds"] = "5",
        ["Callbacks__PublishStallSeconds"] = "30",
    };
}
