namespace AuditGen.Pipeline;

/// <summary>A store that cannot be used as it is: a corrupt or foreign file, a missing permission, a newer schema.</summary>
public sealed class AuditStoreException : Exception
{
    /// <summary>Creates the exception with the standard message.</summary>
    public AuditStoreException()
        : base("The audit store cannot be used.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public AuditStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public AuditStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
