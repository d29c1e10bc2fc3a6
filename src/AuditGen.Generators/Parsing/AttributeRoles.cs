using AuditGen.Generators.Model;
using Microsoft.CodeAnalysis;

namespace AuditGen.Generators.Parsing;

/// <summary>Recognises AuditGen's source attributes and what each makes of a value.</summary>
internal static class AttributeRoles
{
    private const string Target = "AuditGen.AuditTargetAttribute";
    private const string Actor = "AuditGen.AuditActorAttribute";
    private const string Organization = "AuditGen.AuditOrganizationAttribute";
    private const string Metadata = "AuditGen.AuditMetadataAttribute";

    public static bool IsMetadata(AttributeData attribute) => attribute.AttributeClass?.ToDisplayString() == Metadata;

    /// <summary>The role of a source attribute on a parameter, property or return value, with its name (target type or key).</summary>
    public static bool TryGetRole(AttributeData attribute, out CaptureRole role, out string name, out string owner)
    {
        owner = "event";
        name = "";
        role = default;
        switch (attribute.AttributeClass?.ToDisplayString())
        {
            case Target when attribute.ConstructorArguments.FirstOrDefault().Value is string type:
                role = CaptureRole.Target;
                name = type;
                return true;
            case Actor:
                role = CaptureRole.Actor;
                name = NamedString(attribute, "Type") ?? "user";
                return true;
            case Organization:
                role = CaptureRole.Organization;
                return true;
            case Metadata when attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string key:
                role = CaptureRole.Metadata;
                name = key;
                owner = MetadataOwner(attribute);
                return true;
            default:
                return false;
        }
    }

    /// <summary><c>event</c>, <c>actor</c>, or <c>target:&lt;type&gt;</c>, from <c>ForActor</c> and <c>ForTarget</c>.</summary>
    public static string MetadataOwner(AttributeData attribute)
    {
        if (NamedString(attribute, "ForTarget") is { Length: > 0 } targetType)
        {
            return "target:" + targetType;
        }

        return attribute.NamedArguments.Any(a => a.Key == "ForActor" && a.Value.Value is true) ? "actor" : "event";
    }

    private static string? NamedString(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value as string;
}
