namespace ClayBus.Contracts.Credits;

/// <summary>
/// Today's credits (reserved + spent) crossed the alert share of the daily limit (80% by default).
/// Published once a day by the Enricher's credit ledger; consumed by the Monitor (status, alerts).
/// </summary>
public record BudgetThresholdReached(DateOnly Day, decimal Limit, decimal Used, double Share, DateTimeOffset At);

/// <summary>
/// The next batch would push the day past its budget: deliveries pause. Published once per exhaustion by the
/// Enricher's credit ledger; consumed by the Monitor and the Submitter (admission).
/// </summary>
public record BudgetExhausted(DateOnly Day, decimal Limit, decimal Used, DateTimeOffset At);

/// <summary>
/// A new budget day began (local midnight in the configured time zone), or the limit was raised above what is used:
/// deliveries resume. Published by the Enricher's credit ledger; consumed by the Submitter (releases held batches)
/// and the Monitor.
/// </summary>
public record BudgetReset(DateOnly Day, decimal Limit, DateTimeOffset At);

/// <summary>
/// Change the daily (and optionally monthly) credit limit at run time. Sent by the Monitor's operator API;
/// consumed by the Enricher's credit ledger, which answers with <see cref="BudgetLimitChanged"/>.
/// </summary>
/// <param name="ActionsDailyLimit">Clay Actions per day; null leaves it as it is, −1 removes it.</param>
/// <param name="ActionsMonthlyLimit">Clay Actions per month; null leaves it as it is, −1 removes it.</param>
public record ChangeBudgetLimit(decimal DailyLimit, decimal? MonthlyLimit, string RequestedBy, long? ActionsDailyLimit = null, long? ActionsMonthlyLimit = null);

/// <summary>The limit was changed. Published by the Enricher's credit ledger; consumed by the Monitor (audit, status).</summary>
public record BudgetLimitChanged(decimal OldDailyLimit, decimal DailyLimit, decimal? MonthlyLimit, string RequestedBy, DateTimeOffset At);

/// <summary>Ask the credit ledger for today's figures. Requested by the Submitter (admission) and the Monitor (status).</summary>
public record GetBudgetStatus(DateTimeOffset? At = null);

/// <summary>
/// Today's credit figures. The Enricher's credit ledger answers <see cref="GetBudgetStatus"/> with it.
/// Remaining = Limit − Reserved − Spent.
/// </summary>
/// <param name="Reserved">Credits reserved for rows sent and not yet called back.</param>
/// <param name="Spent">Credits settled to actual by callbacks.</param>
/// <param name="Exhausted">Deliveries are paused for the budget.</param>
/// <param name="ActionsReserved">Clay Actions reserved today for rows sent and not yet called back (worst case).</param>
/// <param name="ActionsSpent">Clay Actions settled today by callbacks.</param>
/// <param name="ActionsLimit">Clay Actions per day; null = unlimited.</param>
/// <param name="ActionsRemaining">ActionsLimit − ActionsReserved − ActionsSpent; null when unlimited.</param>
/// <param name="MonthReserved">Data Credits reserved this month.</param>
/// <param name="ActionsMonthlyLimit">Clay Actions per month; null = unlimited.</param>
/// <param name="ActionsMonthReserved">Clay Actions reserved this month.</param>
/// <param name="ActionsMonthSpent">Clay Actions settled this month.</param>
/// <param name="HeldTables">Tables whose deliveries are held after a charge above their price list.</param>
public record BudgetStatus(
    DateOnly Day,
    string TimeZone,
    decimal Limit,
    decimal Reserved,
    decimal Spent,
    decimal Remaining,
    bool Exhausted,
    DateTimeOffset NextResetAt,
    decimal? MonthlyLimit = null,
    decimal? MonthSpent = null,
    long? ActionsReserved = null,
    long? ActionsSpent = null,
    long? ActionsLimit = null,
    long? ActionsRemaining = null,
    decimal? MonthReserved = null,
    long? ActionsMonthlyLimit = null,
    long? ActionsMonthReserved = null,
    long? ActionsMonthSpent = null,
    IReadOnlyList<string>? HeldTables = null);

/// <summary>
/// Clay charged a row more than the Enricher reserved for it: the charge is booked as it is (the ledger tells the
/// truth) and the table's deliveries are held until its price list covers <see cref="Charged"/>. Published by the
/// Enricher's credit settlement; consumed by the Monitor (status, alerts).
/// </summary>
/// <param name="Meter">"data_credits" or "actions".</param>
public record BudgetAnomaly(string TableKey, string? Provider, string Meter, decimal Charged, decimal Reserved, Guid JobId, string RowId, DateTimeOffset At);

/// <summary>
/// Let a table held after a charge above its price list deliver again, at an operator's request (the next charge above
/// the price list holds it again). Published by the Monitor's <c>DELETE /budget/holds/{table}</c>; consumed by the
/// Enricher's credit ledger, which deletes the hold for every instance.
/// </summary>
public record ReleaseTableHold(string TableKey, string RequestedBy, DateTimeOffset At);
