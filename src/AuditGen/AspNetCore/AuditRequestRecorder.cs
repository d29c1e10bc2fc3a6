using System.Collections.Concurrent;
using System.Net;
using AuditGen.Catalog;
using AuditGen.Events;
using AuditGen.Internal;
using AuditGen.Pipeline;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuditGen.AspNetCore;

/// <summary>
/// Turns a finished audited request into its event: applies the site's declared sources, the
/// outcome, the actor, the organization and the context, and hands the event to the
/// <see cref="IAuditEventWriter"/> after the response has been sent. It never fails the request.
/// </summary>
internal sealed partial class AuditRequestRecorder(
    IAuditEventWriter writer,
    AuditGenMetrics metrics,
    IAuditActorResolver actorResolver,
    IAuditOrganizationResolver organizationResolver,
    IOptions<AuditGenOptions> options,
    IOptions<AuditHttpOptions> httpOptions,
    UnsupportedMediaTypeMatcher unsupportedMediaType,
    TimeProvider timeProvider,
    ILogger<AuditRequestRecorder> logger)
{
    /// <summary>The event metadata key that says whether the request succeeded: <c>success</c> or <c>failure</c>.</summary>
    public const string OutcomeKey = "outcome";

    /// <summary>The event metadata key holding the response status code.</summary>
    public const string StatusCodeKey = "status_code";

    /// <summary>The event metadata key holding the type of an exception the handler threw.</summary>
    public const string ExceptionKey = "exception";

    /// <summary>The event metadata key saying how authorization refused the request: <c>challenged</c> or <c>forbidden</c>.</summary>
    public const string AuthorizationKey = "authorization";

    // WorkOS requires a location; a request without a client address (an in-process test server) gets this one.
    private static readonly string s_unknownLocation = IPAddress.None.ToString();

    private readonly ConcurrentDictionary<AuditedAttribute, UnregisteredAuditSite> _unregistered = new();

    // One delegate for every request, with the event as its state: nothing is allocated to schedule the write.
    private readonly Func<object, Task> _writeAfterResponse = auditEvent => writer.WriteAsync((AuditEvent)auditEvent).AsTask();

    public void Record(HttpContext httpContext, Exception? exception)
    {
        try
        {
            // The exception handler and status code pages clear the endpoint and route values, or re-execute the request
            // elsewhere, before this runs: the audited endpoint it was routed to is remembered.
            var routed = httpContext.Features.Get<IEndpointFeature>() as AuditedEndpointFeature;
            var endpoint = routed?.AuditedEndpoint ?? httpContext.GetEndpoint();
            if (routed?.AuditedRouteValues is { } routeValues)
            {
                httpContext.Request.RouteValues = routeValues;
            }

            if (endpoint?.Metadata.GetMetadata<AuditedAttribute>() is null
                && httpContext.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType
                && unsupportedMediaType.Find(httpContext, out var intendedRouteValues) is { } intended)
            {
                endpoint = intended;
                httpContext.Request.RouteValues = intendedRouteValues;
            }

            var handled = httpContext.Features.Get<IExceptionHandlerFeature>();
            exception ??= handled?.Error;
            var site = endpoint?.Metadata.GetMetadata<AuditSite>() ?? FindSite(endpoint);
            if (site is null)
            {
                return;
            }

            var draft = httpContext.GetAuditEventDraft();
            if (draft.Recorded)
            {
                return;
            }

            // An exception still on its way up answers 500; one the exception handler caught answers what it wrote.
            var statusCode = exception is null || handled is not null ? httpContext.Response.StatusCode : StatusCodes.Status500InternalServerError;

            // A challenge or forbid can answer 302 (cookie sign-in redirects): the status alone would call it a success.
            var success = exception is null && statusCode < 400 && draft.ExceptionType is null && draft.AuthorizationFailure is null;
            var http = httpOptions.Value;
            if ((success ? !http.RecordSuccesses : !http.RecordFailures) || http.IgnoredStatusCodes.Contains(statusCode))
            {
                return;
            }

            var auditEvent = BuildEvent(httpContext, endpoint, site, draft, statusCode, success, exception);
            if (success && IsStrict(endpoint?.Metadata.GetMetadata<AuditedAttribute>()))
            {
                // A strict action that succeeded without passing through the generated filter (no generated
                // code for it): its response went out before the event was committed.
                metrics.StrictUnprotected();
                LogStrictUnprotected(site.Action, "no generated filter ran for the endpoint");
            }

            httpContext.Response.OnCompleted(_writeAfterResponse, auditEvent);
        }
        catch (Exception failure)
        {
            LogRecordFailed(failure, httpContext.Request.Path);
        }
    }

    /// <summary>Whether the endpoint's events are stored before its response (strict mode).</summary>
    public bool IsStrict(AuditedAttribute? attribute) =>
        (attribute?.Delivery is { } delivery && delivery != AuditDeliveryMode.Default ? delivery : options.Value.DeliveryMode) == AuditDeliveryMode.BeforeResponse;

    /// <summary>
    /// Strict mode: records the event now, from the handler's result, and waits until the store has
    /// committed it. <see langword="false"/> when it could not be committed in time: the caller answers 503.
    /// </summary>
    public async ValueTask<bool> CommitBeforeResponseAsync(HttpContext httpContext, AuditSite site, int statusCode)
    {
        var draft = httpContext.GetAuditEventDraft();
        AuditEvent auditEvent;
        try
        {
            auditEvent = BuildEvent(httpContext, httpContext.GetEndpoint(), site, draft, statusCode, statusCode < 400, exception: null);
            draft.Recorded = true;
        }
        catch (Exception exception)
        {
            // Not marked recorded: the middleware records the request after the response instead.
            LogRecordFailed(exception, httpContext.Request.Path);
            metrics.StrictRefused();
            return false;
        }

        if (httpContext.Response.HasStarted)
        {
            // The handler wrote the response itself: it is already on its way, so it cannot be held or refused.
            metrics.StrictUnprotected();
            LogStrictUnprotected(site.Action, "the handler had already started the response");
            await writer.WriteAsync(auditEvent, CancellationToken.None);
            return true;
        }

        var started = timeProvider.GetTimestamp();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted);
            timeout.CancelAfter(options.Value.StrictCommitTimeout);
            await writer.WriteCommittedAsync(auditEvent, timeout.Token);
            return true;
        }
        catch (Exception exception) when (exception is AuditCommitException or OperationCanceledException or AuditPipelineClosedException)
        {
            metrics.StrictRefused();
            LogStrictCommitFailed(exception, auditEvent.Id, site.Action);
            return false;
        }
        finally
        {
            metrics.StrictWaited(timeProvider.GetElapsedTime(started));
        }
    }

    private AuditEvent BuildEvent(HttpContext httpContext, Endpoint? endpoint, AuditSite site, AuditEventDraft draft, int statusCode, bool success, Exception? exception)
    {
        site.ApplyConstantsOnce(draft);
        if (!draft.ArgumentsCaptured)
        {
            var actionMethod = AuditSiteLookup.ActionMethod(endpoint);
            Capture(site, draft, (site, draft, http) => site.CaptureFromRequest(actionMethod, http, draft), httpContext);
        }

        foreach (var failure in draft.CaptureFailures)
        {
            LogCaptureFailed(site.Action, failure);
        }

        draft.Metadata[OutcomeKey] = success ? "success" : "failure";
        draft.Metadata[StatusCodeKey] = statusCode;
        if ((exception?.GetType().FullName ?? draft.ExceptionType) is { } exceptionType)
        {
            draft.Metadata[ExceptionKey] = exceptionType;
        }

        if (draft.AuthorizationFailure is { } authorization)
        {
            draft.Metadata[AuthorizationKey] = authorization;
        }

        var actor = draft.ActorId is { Length: > 0 } actorId
            ? new AuditActor { Type = draft.ActorType, Id = actorId }
            : actorResolver.Resolve(httpContext);
        var organizationId = draft.OrganizationId ?? organizationResolver.Resolve(httpContext) ?? "";
        return draft.ToEvent(site.Action, organizationId, actor, Context(httpContext), timeProvider.GetUtcNow());
    }

    /// <summary>Runs generated capture code so that a throwing property getter is noted, not thrown into the request.</summary>
    internal static void Capture<TState>(AuditSite site, AuditEventDraft draft, Action<AuditSite, AuditEventDraft, TState> capture, TState state)
    {
        try
        {
            capture(site, draft, state);
        }
        catch (Exception exception)
        {
            draft.NoteCaptureFailure($"{exception.GetType().Name}: {exception.Message}");
        }
    }

    /// <summary>Where the request came from: the client address ASP.NET Core resolved and its user agent, bounded.</summary>
    public AuditContext Context(HttpContext httpContext)
    {
        // RemoteIpAddress is what ASP.NET Core's forwarded-headers middleware resolved from trusted
        // proxies only; the raw X-Forwarded-For or True-Client-IP headers are never read here.
        var address = httpContext.Connection.RemoteIpAddress;
        if (address is { IsIPv4MappedToIPv6: true })
        {
            address = address.MapToIPv4();
        }

        var userAgent = AuditValues.First(httpContext.Request.Headers.UserAgent);
        var maxLength = httpOptions.Value.MaxUserAgentLength;
        if (userAgent is { Length: > 0 } && userAgent.Length > maxLength)
        {
            userAgent = userAgent[..maxLength];
        }

        return new AuditContext
        {
            Location = address?.ToString() ?? s_unknownLocation,
            UserAgent = string.IsNullOrEmpty(userAgent) ? null : userAgent,
        };
    }

    private AuditSite? FindSite(Endpoint? endpoint)
    {
        if (endpoint?.Metadata.GetMetadata<AuditedAttribute>() is not { } attribute)
        {
            return null;
        }

        return AuditSiteLookup.Find(endpoint.Metadata) ?? _unregistered.GetOrAdd(attribute, UnregisteredSite);
    }

    /// <summary>Made, and warned about, once per attribute rather than on every request.</summary>
    private UnregisteredAuditSite UnregisteredSite(AuditedAttribute attribute)
    {
        LogUnregisteredSite(attribute.Action, attribute.SourceFilePath, attribute.SourceLineNumber);
        return new UnregisteredAuditSite(attribute);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Could not record the audit event of request {Path}; the request itself is unaffected.")]
    private partial void LogRecordFailed(Exception exception, PathString path);

    [LoggerMessage(EventId = 23, Level = LogLevel.Critical, Message = "Audit event {EventId} ({Action}) could not be committed before the response; the request is refused with 503 (fail-closed). The event stays queued and is retried.")]
    private partial void LogStrictCommitFailed(Exception exception, AuditEventId eventId, string action);

    [LoggerMessage(EventId = 24, Level = LogLevel.Error, Message = "Strict audit action {Action} succeeded but its event was recorded after the response: {Reason}.")]
    private partial void LogStrictUnprotected(string action, string reason);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Audit action {Action}: a declared source could not be read and was left out: {Failure}")]
    private partial void LogCaptureFailed(string action, string failure);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "[Audited(\"{Action}\")] at {File}:{Line} has no generated code (is the AuditGen generator running for that project?); recording actor, organization and context only.")]
    private partial void LogUnregisteredSite(string action, string file, int line);
}
