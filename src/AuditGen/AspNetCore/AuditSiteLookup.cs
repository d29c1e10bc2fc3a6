using System.Reflection;
using AuditGen.Catalog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Controllers;

namespace AuditGen.AspNetCore;

/// <summary>Finds an endpoint's generated site from its metadata: the last <see cref="AuditedAttribute"/> and the handler's module.</summary>
internal static class AuditSiteLookup
{
    public static AuditSite? Find(IEnumerable<object> metadata)
    {
        AuditedAttribute? attribute = null;
        MethodInfo? handler = null;
        foreach (var item in metadata)
        {
            switch (item)
            {
                case AuditedAttribute audited:
                    attribute = audited;
                    break;
                case MethodInfo method when handler is null:
                    handler = method;
                    break;
                case ControllerActionDescriptor action:
                    handler = action.MethodInfo;
                    break;
            }
        }

        return attribute is not null && handler is not null ? AuditCatalog.Find(attribute, handler.Module) : null;
    }

    /// <summary>The action method's name for MVC endpoints; empty for minimal APIs.</summary>
    public static string ActionMethod(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<ControllerActionDescriptor>()?.MethodInfo.Name ?? "";
}
