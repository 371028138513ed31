using Npgsql;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.PartnerHooks.Signing;

/// <summary>
/// The Data Protection keys that encrypt the webhook signing secrets, kept apart from the database that holds the
/// secrets, so that a dump of the database alone opens nothing: in a folder (<see cref="PartnerHooksOptions.KeysFolder"/>,
/// by default under <c>Scop:DataRoot</c>), each key file encrypted with a certificate outside Development.
/// </summary>
public static partial class ProtectionKeys
{
    public const string ApplicationName = "scop-partner-hooks";

    private const string CertificateKey = $"{PartnerHooksOptions.Section}:KeysCertificate";

    public static string Folder(PartnerHooksOptions settings, IConfiguration configuration, IHostEnvironment environment) =>
        settings.KeysFolder is { Length: > 0 } configured
            ? Path.GetFullPath(configured, environment.ContentRootPath)
            : Path.Combine(DataRoot.Resolve(configuration, environment), "partner-hooks", "keys");

    public static IHostApplicationBuilder AddProtectionKeys(this IHostApplicationBuilder builder, PartnerHooksOptions settings)
    {
        builder.AddProtectionKeyRing(ApplicationName, Folder(settings, builder.Configuration, builder.Environment),
            settings.KeysCertificate, settings.PreviousKeysCertificate, CertificateKey,
            $"{PartnerHooksOptions.Section}:PreviousKeysCertificate",
            $"the webhook signing secrets ({PartnerHooksOptions.Section}:KeysFolder)");
        return builder;
    }

    /// <summary>
    /// Keys that an earlier version kept in the service's own database (<c>data_protection_keys</c>) are written to the
    /// key folder before the migration that drops that table, so the secrets they protect stay readable. Nothing happens
    /// when the table is gone or the database does not exist yet. Those keys were in the database and in its dumps:
    /// outside Development, rotate every endpoint's secret afterwards.
    /// </summary>
    public static async Task MoveOutOfDatabaseAsync(NpgsqlDataSource dataSource, string folder, IHostEnvironment environment,
        ILogger logger, CancellationToken ct = default)
    {
        var keys = new List<(string Name, string Xml)>();
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var exists = new NpgsqlCommand("SELECT to_regclass('data_protection_keys') IS NOT NULL", connection);
            if (!(bool)(await exists.ExecuteScalarAsync(ct))!)
            {
                return;
            }

            await using var select = new NpgsqlCommand("SELECT friendly_name, xml FROM data_protection_keys", connection);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (!reader.IsDBNull(0) && !reader.IsDBNull(1))
                {
                    keys.Add((reader.GetString(0), reader.GetString(1)));
                }
            }
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            return; // a database not created yet holds no keys
        }

        Directory.CreateDirectory(folder);
        var moved = 0;
        foreach (var (name, xml) in keys)
        {
            // The file names Data Protection itself gives its keys: key-<guid>.xml.
            if (!name.StartsWith("key-", StringComparison.Ordinal) || !Guid.TryParse(name["key-".Length..], out _))
            {
                continue;
            }

            var path = Path.Combine(folder, name + ".xml");
            if (!File.Exists(path))
            {
                // Written aside, then moved in place: a replica starting beside this one reads a whole key or none.
                var temporary = $"{path}.{Environment.ProcessId}.tmp";
                await File.WriteAllTextAsync(temporary, xml, ct);
                try
                {
                    File.Move(temporary, path, overwrite: false);
                    moved++;
                }
                catch (IOException) when (File.Exists(path))
                {
                    File.Delete(temporary); // another replica moved it first
                }
            }
        }

        if (moved > 0)
        {
            LogMoved(logger, moved, folder);
            if (!environment.IsDevelopment())
            {
                LogRotate(logger);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Count} Data Protection keys moved out of the database into {Folder}")]
    private static partial void LogMoved(ILogger logger, int count, string folder);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The signing secrets were protected by keys kept in the database: rotate every endpoint's secret")]
    private static partial void LogRotate(ILogger logger);
}
