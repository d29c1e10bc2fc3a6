using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.Build.Framework;

namespace AuditGen.Build;

/// <summary>
/// Writes <c>auditgen.workos-schemas.json</c> from the WorkOS schemas the source generator stamped
/// into the built assembly (<c>[assembly: AssemblyMetadata("AuditGen.WorkOsSchemas", ...)]</c>).
/// Reads the assembly's metadata only; nothing is loaded or run.
/// </summary>
public sealed class WriteWorkOsSchemas : Microsoft.Build.Utilities.Task
{
    private const string SchemasKey = "AuditGen.WorkOsSchemas";

    /// <summary>The assembly the build just produced.</summary>
    [Required]
    public string AssemblyPath { get; set; } = "";

    /// <summary>Where to write the schemas.</summary>
    [Required]
    public string OutputPath { get; set; } = "";

    /// <inheritdoc />
    public override bool Execute()
    {
        if (!File.Exists(AssemblyPath))
        {
            Log.LogError("AuditGen: cannot write WorkOS schemas, '{0}' does not exist.", AssemblyPath);
            return false;
        }

        var json = ReadSchemas(AssemblyPath);
        if (json is null)
        {
            Log.LogMessage(MessageImportance.Low, "AuditGen: '{0}' has no audited actions; no schemas written.", AssemblyPath);
            return true;
        }

        // Unchanged content keeps the file's timestamp, so incremental builds stay quiet.
        if (!File.Exists(OutputPath) || File.ReadAllText(OutputPath) != json)
        {
            File.WriteAllText(OutputPath, json);
        }

        Log.LogMessage(MessageImportance.Normal, "AuditGen: WorkOS schemas written to '{0}'.", OutputPath);
        return true;
    }

    private static string? ReadSchemas(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (!IsAssemblyMetadataAttribute(reader, attribute))
            {
                continue;
            }

            // Custom attribute blob: prolog 0x0001, then the constructor's two string arguments.
            var blob = reader.GetBlobReader(attribute.Value);
            if (blob.ReadUInt16() == 1 && blob.ReadSerializedString() == SchemasKey)
            {
                return blob.ReadSerializedString();
            }
        }

        return null;
    }

    private static bool IsAssemblyMetadataAttribute(MetadataReader reader, CustomAttribute attribute)
    {
        if (attribute.Constructor.Kind != HandleKind.MemberReference)
        {
            return false;
        }

        var constructor = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
        if (constructor.Parent.Kind != HandleKind.TypeReference)
        {
            return false;
        }

        var type = reader.GetTypeReference((TypeReferenceHandle)constructor.Parent);
        return reader.StringComparer.Equals(type.Name, "AssemblyMetadataAttribute")
            && reader.StringComparer.Equals(type.Namespace, "System.Reflection");
    }
}
