namespace AuditGen.Pipeline;

/// <summary>Thrown when an event is written after the pipeline has shut down and drained.</summary>
public sealed class AuditPipelineClosedException : InvalidOperationException
{
    /// <summary>Creates the exception with the standard message.</summary>
    public AuditPipelineClosedException()
        : base("The audit pipeline has shut down; events can no longer be written.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public AuditPipelineClosedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public AuditPipelineClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
