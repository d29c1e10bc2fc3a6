namespace AuditGen.Events.Validation;

/// <summary>
/// Checks an event against WorkOS's rules: required members, metadata key names and counts,
/// string lengths, finite numbers. The limits themselves live in <c>WorkOsRules</c>, which the
/// build-time analyzer compiles too.
/// </summary>
internal static class AuditEventValidator
{
    /// <summary>Every rule <paramref name="auditEvent"/> breaks; empty when WorkOS would accept it.</summary>
    public static IReadOnlyList<AuditViolation> Validate(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var violations = new List<AuditViolation>();

        RequireText(auditEvent.OrganizationId, "/organization_id", violations);
        RequireText(auditEvent.Action, "/action", violations);
        if (auditEvent.Action is { Length: > WorkOsRules.MaxActionLength })
        {
            violations.Add(new("/action", $"The action is longer than {WorkOsRules.MaxActionLength} characters."));
        }

        if (auditEvent.Version is < 1)
        {
            violations.Add(new("/version", $"The version must be 1 or more when set (was {auditEvent.Version})."));
        }

        if (auditEvent.Actor is null)
        {
            violations.Add(new("/actor", "The actor is required."));
        }
        else
        {
            RequireText(auditEvent.Actor.Type, "/actor/type", violations);
            RequireText(auditEvent.Actor.Id, "/actor/id", violations);
            ValidateMetadata(auditEvent.Actor.Metadata, "/actor/metadata", violations);
        }

        if (auditEvent.Targets is null)
        {
            violations.Add(new("/targets", "The targets are required (an empty list is allowed)."));
        }
        else
        {
            for (var i = 0; i < auditEvent.Targets.Count; i++)
            {
                var target = auditEvent.Targets[i];
                var path = $"/targets/{i}";
                if (target is null)
                {
                    violations.Add(new(path, "A target cannot be null."));
                    continue;
                }

                RequireText(target.Type, path + "/type", violations);
                RequireText(target.Id, path + "/id", violations);
                ValidateMetadata(target.Metadata, path + "/metadata", violations);
            }
        }

        if (auditEvent.Context is null)
        {
            violations.Add(new("/context", "The context is required."));
        }
        else
        {
            RequireText(auditEvent.Context.Location, "/context/location", violations);
        }

        ValidateMetadata(auditEvent.Metadata, "/metadata", violations);
        return violations;
    }

    /// <summary>Checks one metadata object: key count, key names, string lengths, finite numbers.</summary>
    public static void ValidateMetadata(AuditMetadata? metadata, string path, ICollection<AuditViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (metadata is null)
        {
            return;
        }

        if (WorkOsRules.HasTooManyKeys(metadata.Count))
        {
            violations.Add(new(path, $"The metadata has {metadata.Count} keys; WorkOS allows at most {WorkOsRules.MaxMetadataKeys}."));
        }

        foreach (var (key, value) in metadata)
        {
            var problem = WorkOsRules.CheckMetadataKey(key) switch
            {
                MetadataKeyProblem.Empty => "A metadata key cannot be empty.",
                MetadataKeyProblem.TooLong => $"The metadata key '{key}' has {key.Length} characters; WorkOS allows at most {WorkOsRules.MaxMetadataKeyLength}.",
                MetadataKeyProblem.InvalidCharacter => $"The metadata key '{key}' may only contain letters, digits, '_' and '-'.",
                _ => null,
            };
            if (problem is not null)
            {
                violations.Add(new(path, problem));
            }

            var valuePath = $"{path}/{key}";
            if (value.IsEmpty)
            {
                violations.Add(new(valuePath, "The value is empty (default); WorkOS takes a string, a number or a boolean."));
            }
            else if (value.Kind == AuditMetadataValueKind.Text && WorkOsRules.IsStringValueTooLong(value.AsString()))
            {
                violations.Add(new(valuePath, $"The value has {value.AsString().Length} characters; WorkOS allows at most {WorkOsRules.MaxStringValueLength}."));
            }
            else if (value.Kind == AuditMetadataValueKind.Number && !double.IsFinite(value.AsDouble()))
            {
                violations.Add(new(valuePath, $"The value {value} is not a finite number; JSON cannot carry it."));
            }
        }
    }

    private static void RequireText(string? value, string path, List<AuditViolation> violations)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            violations.Add(new(path, "A non-empty value is required."));
        }
    }
}
