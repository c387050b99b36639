namespace ClayBus.Contracts.Submission;

/// <summary>How the Submitter admitted a job against today's remaining credit budget.</summary>
public enum AdmissionDecision
{
    /// <summary>Every batch was published now.</summary>
    Admitted,

    /// <summary>Policy <c>hold</c>: every batch waits for the budget reset.</summary>
    Held,

    /// <summary>Policy <c>split</c>: what fits today was published, the rest waits for the reset.</summary>
    Split,

    /// <summary>Policy <c>reject</c>: nothing was published.</summary>
    Rejected,
}
