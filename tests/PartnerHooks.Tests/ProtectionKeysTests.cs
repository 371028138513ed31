using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.PartnerHooks.Signing;
using Scop.Aspire.PartnerHooks.Tests.Support;

namespace Scop.Aspire.PartnerHooks.Tests;

/// <summary>
/// The keys that encrypt the signing secrets are not in the database that holds the secrets: a dump of it opens
/// nothing. They are files in a folder of their own, each encrypted with a certificate when one is configured (always
/// outside Development, where the service does not start without it); keys an earlier version kept in the database
/// are moved to the folder at start, and the secrets they protect still open.
/// </summary>
[Collection(PartnerHooksCollection.Name)]
public sealed class ProtectionKeysTests(PartnerHooksServers servers) : IDisposable
{
    private readonly string scratch = Path.Combine(PartnerHooksApp.KeysRoot, "scratch-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(scratch))
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Fact]
    public async Task A_dump_of_the_database_with_the_services_code_but_not_its_key_folder_opens_no_secret()
    {
        var database = await servers.Postgres.CreateDatabaseAsync();
        Guid endpointId;
        string secret;
        await using (var app = await PartnerHooksApp.StartAsync(servers, database))
        {
            var (partnerId, _) = await app.CreatePartnerAsync();
            (endpointId, secret) = await app.CreateEndpointAsync(partnerId, servers.Receiver.UrlOf("dumped"));
            Assert.Equal(secret, app.Services.GetRequiredService<SecretProtector>().Unprotect(await StoredSecretAsync(database, endpointId)));

            var dump = await app.DumpDatabaseAsync();
            Assert.DoesNotContain(secret["whsec_".Length..], dump);
            Assert.DoesNotContain("masterKey", dump);
            Assert.DoesNotContain("data_protection_keys", dump);
        }

        // The same database and the same code, started elsewhere: its own (new, empty) key folder.
        await using var elsewhere = await PartnerHooksApp.StartAsync(servers, database,
            settings: new Dictionary<string, string?> { ["Scop:DataRoot"] = scratch });
        var stored = await StoredSecretAsync(database, endpointId);
        Assert.ThrowsAny<CryptographicException>(() => elsewhere.Services.GetRequiredService<SecretProtector>().Unprotect(stored));
    }

    [Fact]
    public async Task With_a_certificate_each_key_file_is_encrypted_and_opens_with_that_certificate_only()
    {
        var database = await servers.Postgres.CreateDatabaseAsync();
        var certificate = NewCertificate("keys");
        Guid endpointId;
        string secret;
        await using (var app = await PartnerHooksApp.StartAsync(servers, database, settings: certificate))
        {
            var (partnerId, _) = await app.CreatePartnerAsync();
            (endpointId, secret) = await app.CreateEndpointAsync(partnerId, servers.Receiver.UrlOf("certified"));
            var keyFiles = Directory.GetFiles(app.KeysFolder, "key-*.xml").Select(File.ReadAllText).ToList();
            Assert.NotEmpty(keyFiles);
            Assert.All(keyFiles, xml =>
            {
                Assert.Contains("EncryptedData", xml);
                Assert.DoesNotContain("<value>", xml); // the unencrypted form of a key's secret
            });
        }

        var stored = await StoredSecretAsync(database, endpointId);
        await using (var restarted = await PartnerHooksApp.StartAsync(servers, database, settings: certificate))
        {
            Assert.Equal(secret, restarted.Services.GetRequiredService<SecretProtector>().Unprotect(stored));
        }

        // The key folder and the database together, without the certificate: still nothing.
        await using var withoutCertificate = await PartnerHooksApp.StartAsync(servers, database);
        Assert.ThrowsAny<CryptographicException>(() => withoutCertificate.Services.GetRequiredService<SecretProtector>().Unprotect(stored));
    }

    [Fact]
    public async Task Outside_development_the_service_starts_only_with_the_certificate()
    {
        var production = new Dictionary<string, string?> { ["environment"] = "Production", ["Scop:MigrateAtStart"] = "true" };

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => PartnerHooksApp.StartAsync(servers, settings: production));
        Assert.Contains("Scop:PartnerHooks:KeysCertificate:Path", refused.ToString());

        await using var app = await PartnerHooksApp.StartAsync(servers,
            settings: new Dictionary<string, string?>(production.Concat(NewCertificate("production"))));
        using var client = app.CreateAdminClient();
        using var partners = await client.GetAsync("/api/partner-hooks/partners");
        Assert.Equal(HttpStatusCode.OK, partners.StatusCode);
    }

    [Fact]
    public async Task Keys_an_earlier_version_kept_in_the_database_move_to_the_folder_and_still_open_their_secrets()
    {
        var database = await servers.Postgres.CreateDatabaseAsync();
        Guid endpointId;
        await using (var app = await PartnerHooksApp.StartAsync(servers, database))
        {
            var (partnerId, _) = await app.CreatePartnerAsync();
            (endpointId, _) = await app.CreateEndpointAsync(partnerId, servers.Receiver.UrlOf("legacy"));

            // Back to the schema of before: the keys table is there again.
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PartnerHooksDbContext>();
            var migrations = db.Database.GetMigrations().ToList();
            var drop = migrations.FindIndex(m => m.EndsWith("_ProtectionKeysOutOfTheDatabase", StringComparison.Ordinal));
            await db.GetService<IMigrator>().MigrateAsync(migrations[drop - 1]);
        }

        // What the earlier version left: a key in the table and a secret it protected, and no key folder.
        var legacyFolder = Path.Combine(scratch, "legacy");
        var legacy = DataProtectionProvider.Create(new DirectoryInfo(legacyFolder),
            builder => builder.SetApplicationName(ProtectionKeys.ApplicationName));
        var legacySecret = WebhookSecret.New();
        var protectedSecret = legacy.CreateProtector(SecretProtector.Purpose).Protect(legacySecret);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            foreach (var file in Directory.GetFiles(legacyFolder, "key-*.xml"))
            {
                await using var insert = new NpgsqlCommand("INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@name, @xml)", connection);
                insert.Parameters.AddWithValue("name", Path.GetFileNameWithoutExtension(file));
                insert.Parameters.AddWithValue("xml", await File.ReadAllTextAsync(file));
                await insert.ExecuteNonQueryAsync();
            }

            await using var update = new NpgsqlCommand("UPDATE endpoints SET protected_secret = @secret WHERE id = @id", connection);
            update.Parameters.AddWithValue("secret", protectedSecret);
            update.Parameters.AddWithValue("id", endpointId);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        Directory.Delete(PartnerHooksApp.DataRootOf(database), recursive: true);

        await using var upgraded = await PartnerHooksApp.StartAsync(servers, database);

        Assert.Equal(legacySecret, upgraded.Services.GetRequiredService<SecretProtector>().Unprotect(await StoredSecretAsync(database, endpointId)));
        Assert.Equal(
            Directory.GetFiles(legacyFolder, "key-*.xml").Select(Path.GetFileName).Order(),
            Directory.GetFiles(upgraded.KeysFolder, "key-*.xml").Select(Path.GetFileName).Order());
        Assert.Equal(0, await upgraded.CountAsync("SELECT count(*) FROM information_schema.tables WHERE table_name = 'data_protection_keys'"));
    }

    private static async Task<string> StoredSecretAsync(string database, Guid endpointId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand("SELECT protected_secret FROM endpoints WHERE id = @id", connection);
        select.Parameters.AddWithValue("id", endpointId);
        return (string)(await select.ExecuteScalarAsync())!;
    }

    /// <summary>A self-signed RSA certificate with its private key in a PKCS#12 file, and the settings that name it.</summary>
    private Dictionary<string, string?> NewCertificate(string name)
    {
        Directory.CreateDirectory(scratch);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=scop-partner-hooks-{name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var path = Path.Combine(scratch, $"{name}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return new Dictionary<string, string?>
        {
            ["Scop:PartnerHooks:KeysCertificate:Path"] = path,
            ["Scop:PartnerHooks:KeysCertificate:Password"] = password,
        };
    }
}
