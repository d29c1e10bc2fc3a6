namespace AuditGen.WorkOsEmulator;

/// <summary>Which routes are WorkOS's API (authenticated, fault-injected) and which are the emulator's own.</summary>
internal static class EmulatorRoutes
{
    public static bool IsWorkOsApi(PathString path) =>
        path.StartsWithSegments("/audit_logs", StringComparison.Ordinal) || path.StartsWithSegments("/organizations", StringComparison.Ordinal);
}
