namespace ClayBus.Enricher.Idempotency;

/// <summary>What a claim does with one row (the codes the Lua returns).</summary>
public enum ClaimCode
{
    /// <summary>Free, or its earlier send is known to have failed: this delivery owns it now.</summary>
    Claimed = 0,

    /// <summary>Clay has it: marked sent, or a callback proved the request it went in.</summary>
    Sent = 1,

    /// <summary>Another delivery is sending it and its lease has not run out.</summary>
    Busy = 2,

    /// <summary>It went in an ambiguous send whose deadline has not passed and no callback proved it yet.</summary>
    Waiting = 3,
}

/// <summary>
/// Whether a row may be sent (again). A row's state is <c>sent</c>, <c>sending|owner|lease-end</c> or
/// <c>unknown|owner|deadline</c> (an ambiguous send: Clay may have stored it). Clay stores a request whole, so one
/// callback for any row of a send (<c>proof|owner</c>) proves every row of it. A row packed as sent
/// (<see cref="SentRowPacking"/>) reads as <c>sent</c>. The Lua in <see cref="RowClaims"/> executes the same rule
/// atomically (parity-tested).
/// </summary>
public static class ResendDecision
{
    public static (ClaimCode Code, long WaitMilliseconds) Decide(string? state, string owner, long nowMilliseconds, Func<string, bool> proved)
    {
        if (state is null)
        {
            return (ClaimCode.Claimed, 0);
        }

        if (state == "sent")
        {
            return (ClaimCode.Sent, 0);
        }

        var parts = state.Split('|');
        if (parts.Length != 3 || !long.TryParse(parts[2], out var until))
        {
            return (ClaimCode.Claimed, 0);
        }

        var (kind, holder) = (parts[0], parts[1]);
        if ((kind == "sending" || kind == "unknown") && proved(holder))
        {
            return (ClaimCode.Sent, 0);
        }

        return kind switch
        {
            "sending" when holder != owner && until > nowMilliseconds => (ClaimCode.Busy, until - nowMilliseconds),
            "unknown" when until > nowMilliseconds => (ClaimCode.Waiting, until - nowMilliseconds),
            _ => (ClaimCode.Claimed, 0),
        };
    }
}
