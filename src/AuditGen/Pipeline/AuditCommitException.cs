namespace AuditGen.Pipeline;

/// <summary>A strict-mode event could not be committed in time; the request fails closed.</summary>
public sealed class AuditCommitException : Exception
{
    /// <summary>Creates the exception with the standard message.</summary>
    public AuditCommitException()
        : base("The audit event could not be committed to the store.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public AuditCommitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public AuditCommitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
