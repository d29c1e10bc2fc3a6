using System.Text.Json;
using System.Text.Json.Nodes;
using AuditGen.WorkOsEmulator.Events;

namespace AuditGen.WorkOsEmulator;

/// <summary>Reads a request body as JSON, answering 400 as WorkOS does when it is not JSON.</summary>
internal static class RequestJson
{
    public static async Task<(JsonNode? Body, IResult? Refusal)> ReadAsync(HttpRequest request)
    {
        try
        {
            return (await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted), null);
        }
        catch (JsonException)
        {
            return (null, Results.Json(WorkOsErrors.Message("Invalid JSON in the request body."), statusCode: 400));
        }
    }
}
