using System.Text.RegularExpressions;

namespace ClayBus.EndToEnd.Tests.Footprint;

/// <summary>
/// Redis keys that carry no TTL on purpose, each with what bounds it and who deletes it. Mirrored in
/// docs/operations.md, "What Redis holds": a key without a TTL that is not listed here fails the key scan.
/// </summary>
public static class RedisKeyOwners
{
    /// <summary>Key pattern (<c>*</c> = any run of characters) → its bound and owner.</summary>
    public static readonly IReadOnlyList<(string Pattern, string Owner)> Owned =
    [
        ("credits:limits", "Enricher CreditStore: one hash, the limits set at run time"),
        ("credits:day:*", "Enricher CreditStore: one ~200 B hash a budget day, the spend record (73 KB a year)"),
        ("credits:month:*", "Enricher CreditStore: one ~200 B hash a budget month"),
        ("credits:last-day", "Enricher CreditStore: one string, the last budget day whose start was claimed"),
        ("credits:held-tables", "Enricher TableHolds: one entry per configured table, removed on release"),
        ("credits:hold:*", "Enricher TableHolds: one hash per held table, deleted on release"),
        ("tables:*", "Enricher WebhookPool: row count and flags per configured table (Clay's 50,000-row cap must never be forgotten)"),
        ("webhook-view:tables", "Monitor WebhookViewStore: one entry per configured table"),
        ("webhook-view:table:*", "Monitor WebhookViewStore: one hash per configured table"),
        ("webhook-view:sent:*", "Monitor WebhookViewStore: per table, trimmed to its rate window on every write"),
        ("webhooks:*", "Enricher WebhookPool: lifetime count and flags per configured webhook (Clay's 50,000-record cap is for life)"),
        ("providers:known", "Monitor ProviderHealthStore: at most ProviderHealth:MaxProviders names, then 'other'"),
        ("providers:window:*", "Monitor ProviderHealthStore: one list per known provider (ProviderHealth:MaxProviders), trimmed to WindowSize"),
        ("providers:degraded", "Monitor ProviderHealthStore: at most the known providers, removed on recovery"),
        ("providers:ejected", "Monitor ProviderHealthStore: at most MaxEjectedShare of the known providers"),
        ("providers:routes", "Monitor ProviderHealthStore: one entry per configured table"),
        ("providers:route-versions", "Monitor ProviderHealthStore: one version per configured table"),
        ("status:jobs", "Monitor JobIndex: trimmed to its capacity on every add"),
        ("progress:dirty", "Monitor CallbackStore: a job leaves it once its progress is published"),
        ("callbacks:refused", "Monitor CallbackStore: three counters"),
        ("submitter:held", "Submitter HeldBatches: at most Admission:MaxHeldBatches, emptied on the budget reset"),
        ("submitter:held:*", "Submitter HeldBatches: counted in Admission:MaxHeldBatches; a releasing batch leaves once confirmed"),
        ("submitter:routes", "Submitter TableReroutes: one entry per rerouted table"),
        ("submitter:route-versions", "Submitter TableReroutes: one number per configured table"),
        ("scheduler:due", "Monitor ScheduledMessageStore: a token leaves when its message is sent or cancelled"),
        ("scheduler:message:*", "Monitor ScheduledMessageStore: one per pending timeout, deleted when sent or cancelled"),
        ("enrichers:*", "Monitor EnricherPauseStore: one entry per Enricher, pruned past the cutoff"),
        ("audit:operator:*", "Monitor OperatorAudit: lists trimmed to Operations' audit length"),
    ];

    public static string? OwnerOf(string key) =>
        Owned.FirstOrDefault(owned => Matches(owned.Pattern, key)).Owner;

    private static bool Matches(string pattern, string key) =>
        Regex.IsMatch(key, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.None, TimeSpan.FromSeconds(1));
}
