namespace AuditGen.Cli;

/// <summary>What `auditgen` returns, so scripts and CI can act on it.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary><c>verify</c> found the chain broken.</summary>
    public const int ChainBroken = 1;

    /// <summary>The command line was wrong; the message says how.</summary>
    public const int Usage = 2;

    /// <summary>The audit log, or a file to read or write, could not be used (missing, corrupt, foreign, not writable).</summary>
    public const int StoreError = 3;

    /// <summary>WorkOS refused a request (<c>schemas push</c>); the table shows its answer.</summary>
    public const int RemoteRefused = 4;

    /// <summary>WorkOS could not be reached (<c>schemas push</c>); the actions before it were created, and the table shows them.</summary>
    public const int RemoteUnreachable = 5;
}
