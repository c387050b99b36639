namespace ClayBus.Enricher.Credits;

/// <summary>A row's reservation as the ledger holds it: <c>r</c> reserved or <c>s</c> settled, in milli-credits.</summary>
public sealed record ReservedRow(char State, string Day, long MilliCredits, long Actions, string TableKey);

/// <summary>What a callback did to the ledger (the codes the Lua returns).</summary>
public enum SettlementResult
{
    /// <summary>The row's day changed while it was read: read again (never returned by the decision).</summary>
    Retry = -1,
    AlreadySettled = 0,
    Settled = 1,

    /// <summary>Clay's credits could not be read: the worst case stays reserved.</summary>
    Kept = 2,

    /// <summary>No reservation for this job's row (never sent by us, another job's row, or forgotten).</summary>
    NotReserved = -2,

    /// <summary>The row was reserved for another table.</summary>
    OtherTable = -3,

    /// <summary>A negative or absurd amount.</summary>
    AmountRefused = -4,
}

/// <summary>The ledger's verdict; anomalies are charges above what the row reserved, booked all the same.</summary>
public sealed record SettlementOutcome(SettlementResult Result, bool CreditsOverReservation, bool ActionsOverReservation)
{
    public bool MovesMoney => Result == SettlementResult.Settled;
}

/// <summary>
/// Settles a callback against its row's reservation: only a row reserved for this job and table moves money; the
/// charge replaces the reservation (the rest is released); a charge above it is still booked and flagged. The Lua in
/// <see cref="CreditStoreScripts.Settle"/> executes the same rule atomically (parity-tested).
/// </summary>
public static class SettlementDecision
{
    public static SettlementOutcome Decide(ReservedRow? row, string tableKey, long milliCredits, long actions, bool creditsUnknown, long maxMilliCredits, long maxActions)
    {
        var result = row switch
        {
            null => SettlementResult.NotReserved,
            { State: 's' } => SettlementResult.AlreadySettled,
            { State: not 'r' } => SettlementResult.NotReserved,
            _ when row.TableKey.Length > 0 && row.TableKey != tableKey => SettlementResult.OtherTable,
            _ when creditsUnknown => SettlementResult.Kept,
            _ when milliCredits < 0 || actions < 0 || milliCredits > maxMilliCredits || actions > maxActions => SettlementResult.AmountRefused,
            _ => SettlementResult.Settled,
        };
        return result == SettlementResult.Settled
            ? new SettlementOutcome(result, milliCredits > row!.MilliCredits, actions > row.Actions)
            : new SettlementOutcome(result, false, false);
    }
}
