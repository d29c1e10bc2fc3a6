namespace AuditGen.WorkOsEmulator;

/// <summary>Which routes are WorkOS's API (authenticated, fault-injected) and which are the emulator's own.</summary>
internal static class EmulatorRoutes
{
    /// <summary>The log stream receivers' routes: fault-injected like the API, each with its own authentication.</summary>
    public static bool IsLogStreamReceiver(PathString path) =>
        path.StartsWithSegments("/api/v2/logs", StringComparison.Ordinal) || path.StartsWithSegments("/services/collector", StringComparison.Ordinal) || path.StartsWithSegments("/webhooks", StringComparison.Ordinal)
        || path.StartsWithSegments("/v1/logs", StringComparison.Ordinal);

    public static bool IsWorkOsApi(PathString path) =>
        path.StartsWithSegments("/audit_logs", StringComparison.Ordinal) || path.StartsWithSegments("/organizations", StringComparison.Ordinal);
}
