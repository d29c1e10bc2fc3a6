using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuditGen.TestApi.Library;

[ApiController]
[Route("library/reports")]
public sealed class LibraryReportsController : ControllerBase
{
    [HttpDelete("{reportId}")]
    [Authorize(Policy = "admin")]
    [Audited("report.deleted")]
    public IActionResult Delete([FromRoute][AuditTarget("report")] string reportId) => NoContent();
}
