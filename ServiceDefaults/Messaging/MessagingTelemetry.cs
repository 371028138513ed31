using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Scop.Aspire.ServiceDefaults.Messaging;

/// <summary>Traces and metrics of the outbox relay and the inbox.</summary>
public static class MessagingTelemetry
{
    public const string ActivitySourceName = "Scop.Aspire.Messaging";
    public const string MeterName = "Scop.Aspire.Messaging";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}
