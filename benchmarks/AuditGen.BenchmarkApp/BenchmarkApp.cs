using Microsoft.AspNetCore.Mvc;

namespace AuditGen.BenchmarkApp;

/// <summary>
/// Twin endpoints, identical but for <c>[Audited]</c>: minimal API and MVC, after-response and strict.
/// The organization comes from the route, the target from the route, the actor is anonymous.
/// </summary>
public static class BenchmarkApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        builder.Services.AddControllers().AddApplicationPart(typeof(BenchmarkApp).Assembly);
        builder.Services.AddAuditGen();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapGet("/orgs/{organizationId}/plain/{invoiceId}", (string invoiceId) => TypedResults.Ok(new Invoice(invoiceId, 42)));
        app.MapGet("/orgs/{organizationId}/audited/{invoiceId}", [Audited("invoice.viewed")] ([AuditTarget("invoice")] string invoiceId) => TypedResults.Ok(new Invoice(invoiceId, 42)));
        app.MapPost("/orgs/{organizationId}/strict/{invoiceId}", [Audited("invoice.voided", Delivery = AuditDeliveryMode.BeforeResponse)] ([AuditTarget("invoice")] string invoiceId) => TypedResults.Ok(new Invoice(invoiceId, 0)));
        app.MapControllers();
        return app;
    }
}

public sealed record Invoice(string Id, decimal Amount);

[ApiController]
[Route("orgs/{organizationId}/mvc")]
public sealed class InvoicesController : ControllerBase
{
    [HttpGet("plain/{invoiceId}")]
    public Invoice Plain(string invoiceId) => new(invoiceId, 42);

    [HttpGet("audited/{invoiceId}")]
    [Audited("invoice.viewed")]
    public Invoice Audited([AuditTarget("invoice")] string invoiceId) => new(invoiceId, 42);
}
