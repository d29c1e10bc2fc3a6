using System.Globalization;
using System.Text.Json;
using AuditGen.Events;
using AuditGen.Export;
using AuditGen.Ledger;
using AuditGen.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace AuditGen.AspNetCore.Viewer;

/// <summary>
/// The viewer's JSON routes. Every query is pinned to the signed-in user's organization (from their claim, never
/// from the request), so another organization's events are not found through any route. Listing, opening and exporting
/// events are recorded in that organization's log (<see cref="AuditLogViewerAccess"/>); the verification status is not,
/// since it shows no record.
/// </summary>
internal static class AuditLogViewerApi
{
    private const int DefaultPageSize = 50;

    private const int MaxPageSize = 200;

    public static async Task ListAsync(HttpContext context)
    {
        if (await ScopeAsync(context) is not { } query)
        {
            return;
        }

        var limit = DefaultPageSize;
        if (context.Request.Query["limit"] is { Count: > 0 } limitText && (!int.TryParse(limitText, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxPageSize))
        {
            await BadRequestAsync(context, $"limit must be a number from 1 to {MaxPageSize}.");
            return;
        }

        var log = context.RequestServices.GetRequiredService<IAuditLog>();

        // Paging goes by event id: the store's sequence numbers span every organization and would tell one
        // organization how much the others write.
        long? before = null;
        if (context.Request.Query["before"] is { Count: > 0 } beforeText)
        {
            var anchor = AuditEventId.TryParse(beforeText, out var beforeId)
                ? await log.QueryAsync(new AuditQuery { OrganizationId = query.OrganizationId, EventId = beforeId, Limit = 1 }, context.RequestAborted).FirstOrDefaultAsync(context.RequestAborted)
                : null;
            if (anchor is null)
            {
                await BadRequestAsync(context, "before must be the id of an event from the previous page (next_before).");
                return;
            }

            before = anchor.Sequence;
        }

        var page = new List<StoredAuditEntry>(limit + 1);
        await foreach (var entry in log.QueryAsync(query with { NewestFirst = true, AfterSequence = before, Limit = limit + 1 }, context.RequestAborted))
        {
            page.Add(entry);
        }

        await RecordAsync(context, AuditLogAccess.Viewed, query);
        await WriteJsonAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("data");
            foreach (var entry in page.Take(limit))
            {
                WriteSummary(writer, entry);
            }

            writer.WriteEndArray();
            if (page.Count > limit)
            {
                writer.WriteString("next_before", page[limit - 1].EventId.ToString());
            }
            else
            {
                writer.WriteNull("next_before");
            }

            writer.WriteEndObject();
        });
    }

    public static async Task DetailAsync(HttpContext context)
    {
        if (await ScopeAsync(context) is not { } query)
        {
            return;
        }

        var entry = AuditEventId.TryParse((string?)context.GetRouteValue("id"), out var id)
            ? await context.RequestServices.GetRequiredService<IAuditLog>().QueryAsync(query with { EventId = id, Limit = 1 }, context.RequestAborted).FirstOrDefaultAsync(context.RequestAborted)
            : null;
        if (entry is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await RecordAsync(context, AuditLogAccess.EventViewed, query, new AuditTarget { Type = AuditLogAccess.EventTargetType, Id = entry.EventId.ToString() });
        await WriteJsonAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("id", entry.EventId.ToString());
            writer.WriteString("organization_id", entry.OrganizationId);
            writer.WriteStartArray("adjustments");
            foreach (var adjustment in entry.Adjustments)
            {
                writer.WriteStringValue(adjustment);
            }

            writer.WriteEndArray();
            writer.WriteString("rejection", entry.Rejection);
            writer.WritePropertyName("event");
            writer.WriteRawValue(entry.EventJson.Span, skipInputValidation: true);
            writer.WriteEndObject();
        });
    }

    public static async Task ExportAsync(HttpContext context)
    {
        if (await ScopeAsync(context) is not { } query)
        {
            return;
        }

        if (context.Request.Query["format"] == "proof")
        {
            await ProvenExportAsync(context, query);
            return;
        }

        var (format, extension, contentType) = context.Request.Query["format"].ToString() switch
        {
            "" or "csv" => (AuditExportFormat.Csv, "csv", "text/csv; charset=utf-8"),
            "json" => (AuditExportFormat.Json, "json", "application/json; charset=utf-8"),
            "jsonlines" => (AuditExportFormat.JsonLines, "jsonl", "application/x-ndjson; charset=utf-8"),
            _ => (default(AuditExportFormat?), "", ""),
        };
        if (format is null)
        {
            await BadRequestAsync(context, "format must be csv, json, jsonlines or proof.");
            return;
        }

        await RecordAsync(context, AuditLogAccess.Exported, query);
        AuditLogViewerAssets.SetSecurityHeaders(context.Response);
        context.Response.ContentType = contentType;
        var fileName = $"audit-{query.OrganizationId}-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.{extension}";
        context.Response.Headers.ContentDisposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment") { FileNameStar = fileName }.ToString();
        await AuditExporter.ExportAsync(context.RequestServices.GetRequiredService<IAuditLog>(), query, format.Value, context.Response.Body, context.RequestAborted);
    }

    /// <summary>
    /// The organization's records with their proofs (docs/proofs.md), which its admins verify offline with
    /// <c>auditgen verify-export</c>; <c>extends_size</c>, the size an older proven export states, adds the proof that
    /// this one extends it. 409 while no signed checkpoint commits to the organization.
    /// </summary>
    private static async Task ProvenExportAsync(HttpContext context, AuditQuery query)
    {
        if (context.RequestServices.GetRequiredService<IAuditStore>() is not ILedgerReader log)
        {
            await ProblemAsync(context, StatusCodes.Status409Conflict, "Conflict", "This application's audit store keeps no ledger, so its records cannot be proven.");
            return;
        }

        long? extendsSize = null;
        if (context.Request.Query["extends_size"] is { Count: > 0 } sizeText)
        {
            if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                await BadRequestAsync(context, "extends_size must be the record count an older proven export states.");
                return;
            }

            extendsSize = size;
        }

        // Written to a temporary file first, so the log's snapshot is held for as long as the export takes to write, not
        // for as long as a slow client takes to download it (a held snapshot keeps SQLite's WAL and PostgreSQL's vacuum waiting).
        await using var staged = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await ProvenExport.WriteAsync(log, query, extendsSize, staged, PublishedKeysOf(context), context.RequestAborted);
        }
        catch (AuditStoreException exception)
        {
            await ProblemAsync(context, StatusCodes.Status409Conflict, "Conflict", exception.Message);
            return;
        }

        await RecordAsync(context, AuditLogAccess.Exported, query);
        AuditLogViewerAssets.SetSecurityHeaders(context.Response);
        context.Response.ContentType = "application/x-ndjson; charset=utf-8";
        context.Response.ContentLength = staged.Length;
        var fileName = $"audit-{query.OrganizationId}-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.proof.jsonl";
        context.Response.Headers.ContentDisposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment") { FileNameStar = fileName }.ToString();
        staged.Position = 0;
        await staged.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    /// <summary>
    /// Whether the log verifies, when that was checked, and how far this organization's records are proven: its own
    /// log's size in the checkpoint exports carry, and which configured witnesses cosigned it. The log spans every
    /// organization, so nothing else is counted: other organizations' sizes stay unknown.
    /// </summary>
    public static async Task VerifyAsync(HttpContext context)
    {
        if (await ScopeAsync(context) is not { } query)
        {
            return;
        }

        var (intact, checkedAt) = await context.RequestServices.GetRequiredService<AuditLogViewerVerification>().GetAsync(context.RequestAborted);
        ProvenCoverage? coverage = null;
        if (context.RequestServices.GetRequiredService<IAuditStore>() is ILedgerReader log)
        {
            try
            {
                coverage = await ProvenExport.ReadCoverageAsync(log, query.OrganizationId!, Witnesses(context), context.RequestAborted);
            }
            catch (AuditStoreException)
            {
                // The log cannot be read now: the status still answers, with nothing proven.
            }
        }

        await WriteJsonAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteBoolean("intact", intact);
            writer.WriteString("checked_at", Utc(checkedAt));
            if (coverage is null)
            {
                writer.WriteNull("proven");
            }
            else
            {
                writer.WriteStartObject("proven");
                writer.WriteNumber("records", coverage.Records);
                writer.WriteNumber("purged", coverage.PurgedThrough);
                writer.WriteBoolean("witnessed", coverage.Witnessed);
                writer.WriteStartArray("cosigned_by");
                foreach (var cosignature in coverage.Cosignatures)
                {
                    writer.WriteStartObject();
                    writer.WriteString("witness", cosignature.Witness);
                    writer.WriteString("at", Utc(DateTimeOffset.FromUnixTimeSeconds(cosignature.Timestamp)));
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        });
    }

    private static Task RecordAsync(HttpContext context, string action, AuditQuery query, AuditTarget? target = null) =>
        context.RequestServices.GetRequiredService<AuditLogViewerAccess>().RecordAsync(context, action, query.OrganizationId!, target);

    /// <summary>The keys the application publishes, from its configuration: named in its proven exports.</summary>
    private static PublishedKeys? PublishedKeysOf(HttpContext context)
    {
        var options = context.RequestServices.GetService<IOptions<AuditLedgerOptions>>()?.Value;
        if (options?.SigningKey is not { Length: > 0 } signingKey)
        {
            return null;
        }

        using var signer = LedgerSettings.SignedWith(signingKey, options.CheckpointInterval).Signer!;
        return new PublishedKeys(signer.Verifier.ToString(), [.. Witnesses(context).Select(static witness => witness.ToString())]);
    }

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static List<CosignatureVerifier> Witnesses(HttpContext context) =>
        [.. (context.RequestServices.GetService<IOptions<AuditLedgerOptions>>()?.Value.Witnesses ?? [])
            .Select(static text => WitnessEndpoint.TryParse(text, out var endpoint, out _) ? endpoint!.Key : null)
            .OfType<CosignatureVerifier>()];

    /// <summary>
    /// The user's organization and the request's WorkOS filters as a query; writes the error response and returns
    /// <see langword="null"/> when the user has no organization claim (403) or a filter cannot be read (400).
    /// </summary>
    private static async Task<AuditQuery?> ScopeAsync(HttpContext context)
    {
        var claimType = context.RequestServices.GetRequiredService<IOptions<AuditHttpOptions>>().Value.OrganizationClaimType;
        if (context.User.FindFirst(claimType)?.Value is not { Length: > 0 } organization)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return null;
        }

        var parameters = context.Request.Query;
        if (!TryTime(parameters["range_start"], out var start) || !TryTime(parameters["range_end"], out var end))
        {
            await BadRequestAsync(context, "range_start and range_end must be ISO-8601 times, such as 2026-11-22T00:00:00Z.");
            return null;
        }

        return new AuditQuery
        {
            OrganizationId = organization,
            RangeStart = start,
            RangeEnd = end,
            Actions = Values(parameters["actions"]),
            ActorNames = Values(parameters["actor_names"]),
            ActorIds = Values(parameters["actor_ids"]),
            TargetTypes = Values(parameters["targets"]),
        };
    }

    private static bool TryTime(StringValues text, out DateTimeOffset? time)
    {
        time = null;
        if (StringValues.IsNullOrEmpty(text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        return false;
    }

    private static string[] Values(StringValues values) => values.Where(static value => !string.IsNullOrWhiteSpace(value)).Select(static value => value!).ToArray();

    private static void WriteSummary(Utf8JsonWriter writer, StoredAuditEntry entry)
    {
        using var document = JsonDocument.Parse(entry.EventJson);
        var auditEvent = document.RootElement;
        writer.WriteStartObject();
        writer.WriteString("id", entry.EventId.ToString());
        writer.WriteString("action", entry.Action);
        writer.WriteString("occurred_at", auditEvent.TryGetProperty("occurred_at", out var occurredAt) ? occurredAt.GetString() : null);
        writer.WriteString("organization_id", entry.OrganizationId);
        Copy(writer, auditEvent, "actor");
        Copy(writer, auditEvent, "targets");
        writer.WriteString("rejection", entry.Rejection);
        writer.WriteEndObject();
    }

    private static void Copy(Utf8JsonWriter writer, JsonElement from, string name)
    {
        writer.WritePropertyName(name);
        if (from.TryGetProperty(name, out var value))
        {
            value.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        AuditLogViewerAssets.SetSecurityHeaders(context.Response);
        context.Response.ContentType = "application/json; charset=utf-8";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    private static Task BadRequestAsync(HttpContext context, string message) => ProblemAsync(context, StatusCodes.Status400BadRequest, "Bad request", message);

    private static async Task ProblemAsync(HttpContext context, int status, string title, string message)
    {
        context.Response.StatusCode = status;
        await WriteJsonAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("title", title);
            writer.WriteString("detail", message);
            writer.WriteEndObject();
        });
    }
}
