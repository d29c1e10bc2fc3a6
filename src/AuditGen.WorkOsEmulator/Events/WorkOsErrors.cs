namespace AuditGen.WorkOsEmulator.Events;

/// <summary>The error bodies WorkOS sends, in the shapes the reference records.</summary>
internal static class WorkOsErrors
{
    public static object InvalidEvent(IEnumerable<string> instancePaths) => new
    {
        message = "Invalid Audit Log event.",
        code = "invalid_audit_log_event",
        errors = instancePaths.Select(static path => new { instancePath = path }).ToArray(),
    };

    /// <summary>
    /// A 422. Each error's code names its field (<c>event.action_required</c>): the official SDKs show only the codes.
    /// </summary>
    public static object ValidationFailed(IEnumerable<(string Code, string Field)> errors) => new
    {
        message = "Validation failed.",
        code = "invalid_request_parameters",
        errors = errors.Select(static error => new { code = $"{error.Field}_{error.Code}", field = error.Field }).ToArray(),
    };

    public static object Message(string message) => new { message };

    public static object RateLimited() => new { message = "Too many requests.", code = "rate_limit_exceeded" };
}
