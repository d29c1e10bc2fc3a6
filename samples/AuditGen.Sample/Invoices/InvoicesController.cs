using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuditGen.Sample.Invoices;

/// <summary>Invoices, as an MVC controller: audited on the controller, with actions overriding it.</summary>
[ApiController]
[Authorize]
[Route("invoices")]
[Audited("invoice.viewed")]
[AuditMetadata("surface", "mvc")]
public sealed class InvoicesController(SampleData data) : ControllerBase
{
    [HttpGet("{invoiceId}")]
    public ActionResult<Invoice> Get([FromRoute][AuditTarget("invoice")] string invoiceId) =>
        data.Invoices.TryGetValue((Organization, invoiceId), out var invoice) ? invoice : NotFound();

    [HttpPost]
    [Audited("invoice.created")]
    [return: AuditTarget("invoice")]
    public ActionResult<Invoice> Create([FromBody] CreateInvoice body)
    {
        var invoice = new Invoice(SampleData.NewId("inv"), body.CustomerId, body.Amount, "open");
        data.Invoices[(Organization, invoice.Id)] = invoice;
        return CreatedAtAction(nameof(Get), new { invoiceId = invoice.Id }, invoice);
    }

    [HttpPost("{invoiceId}/void")]
    [Audited("invoice.voided")]
    public IActionResult Void([FromRoute][AuditTarget("invoice")] string invoiceId, [FromQuery][AuditMetadata("reason")][StringLength(200)] string? reason)
    {
        if (!data.Invoices.TryGetValue((Organization, invoiceId), out var invoice))
        {
            return NotFound();
        }

        data.Invoices[(Organization, invoiceId)] = invoice with { Status = "void" };
        return NoContent();
    }

    private string Organization => User.FindFirstValue("org_id")!;
}

public sealed record CreateInvoice([AuditTarget("customer")][StringLength(64)] string CustomerId, [AuditMetadata("amount")] decimal Amount);
