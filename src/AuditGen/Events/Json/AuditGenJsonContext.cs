using System.Text.Json.Serialization;

namespace AuditGen.Events.Json;

/// <summary>
/// The source-generated serializer for the WorkOS wire format: snake_case names, nulls omitted,
/// no reflection. Use <see cref="WorkOsJson"/> rather than this type directly.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WorkOsCreateEventRequest))]
[JsonSerializable(typeof(AuditEvent))]
internal sealed partial class AuditGenJsonContext : JsonSerializerContext;
