using AuditGen.Sample.Identity;

namespace AuditGen.Sample.Admin;

/// <summary>
/// An administrator's action in strict mode: the response waits until its event is committed, and is refused (503)
/// if the audit log cannot take it. Members are refused (403), and the refusal is audited too.
/// </summary>
public static class AdminEndpoints
{
    public static void MapAdmin(this IEndpointRouteBuilder app) =>
        app.MapDelete("/admin/users/{userId}", [Audited("admin.user_deleted", Delivery = AuditDeliveryMode.BeforeResponse)] ([AuditTarget("user")] string userId) =>
            TypedResults.NoContent())
            .RequireAuthorization(SampleIdentity.AdminsPolicy);
}
