using Microsoft.Extensions.Options;
using Scop.Aspire.Notifications;
using Scop.Aspire.Notifications.Data;
using Scop.Aspire.Notifications.Domain;
using Scop.Aspire.Notifications.Features.Inbox;
using Scop.Aspire.Notifications.Features.Notifications;
using Scop.Aspire.Notifications.Features.Preferences;
using Scop.Aspire.Notifications.Sending;
using Scop.Aspire.Notifications.Templates;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddServiceDatabase<NotificationsDbContext>(ResourceNames.NotificationsDatabase);
builder.AddMessaging<NotificationsDbContext>(ResourceNames.Notifications);
builder.AddPlatformAuthentication(PlatformAudiences.Notifications);

builder.Services.Configure<NotificationsOptions>(builder.Configuration.GetSection(NotificationsOptions.Section));
builder.Services.PostConfigure<NotificationsOptions>(options =>
    options.WebBaseUrl ??= builder.Configuration[$"{PlatformIdentityOptions.Section}:Issuer"]);
builder.Services.AddSingleton<FrenchTemplates>();

// E-mail: through the SMTP server of the connection string "mail" (the local mail server in development, a relay
// elsewhere), TLS required outside Development.
var mail = builder.Configuration.GetConnectionString(ResourceNames.Mail)
    ?? throw new InvalidOperationException($"Connection string '{ResourceNames.Mail}' is missing (ConnectionStrings:{ResourceNames.Mail}).");
builder.Services.AddSingleton(services =>
{
    var options = services.GetRequiredService<IOptions<NotificationsOptions>>().Value;
    return new SmtpMailer(SmtpServer.Parse(mail, options.RequireTls ?? !builder.Environment.IsDevelopment()), options.SmtpTimeout);
});
// New e-mails wake the workers of every replica once the event's unit of work commits.
builder.Services.AddCommitWakeup<Notification>(NotificationsDbContext.EmailsChannel, n => n.EmailStatus == EmailStatus.Pending);
builder.Services.AddSingleton<EmailSender>();
builder.Services.AddSingleton<EmailWorker>();
builder.Services.AddHostedService(services => services.GetRequiredService<EmailWorker>());

var app = builder.Build();

app.UseServiceDefaults();
app.MapDefaultEndpoints("/api/notifications");
app.MapInbox();
app.MapPreferences();
app.MapDeliveries();

await app.RunAsync();

public partial class Program;
