using System.Net.Http.Json;
using System.Security.Cryptography;
using Charger.Cloud.Data;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Access.Tests;

/// <summary>AES-GCM personal-data encryption: random nonces, key rotation, values bound to their row and field, the key's configuration.</summary>
public sealed class PersonalDataKeyringTests
{
    private static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void The_same_value_encrypts_differently_each_time_and_decrypts_back()
    {
        var keyring = new PersonalDataKeyring(NewKey());

        var a = keyring.Encrypt("13812345678", "customer/C-1/phone")!;
        var b = keyring.Encrypt("13812345678", "customer/C-1/phone")!;

        Assert.NotEqual(a, b);
        Assert.StartsWith(keyring.CurrentKeyId + ":", a, StringComparison.Ordinal);
        Assert.Equal("13812345678", keyring.Decrypt(a, "customer/C-1/phone"));
    }

    [Fact]
    public void A_value_copied_to_another_customer_or_field_fails_to_decrypt()
    {
        var keyring = new PersonalDataKeyring(NewKey());
        var phone = keyring.Encrypt("13812345678", "customer/C-1/phone");

        Assert.ThrowsAny<CryptographicException>(() => keyring.Decrypt(phone, "customer/C-2/phone"));
        Assert.ThrowsAny<CryptographicException>(() => keyring.Decrypt(phone, "customer/C-1/email"));
    }

    [Fact]
    public void After_rotation_old_values_are_read_with_the_previous_key_and_new_ones_written_with_the_new_key()
    {
        var old = NewKey();
        var written = new PersonalDataKeyring(old).Encrypt("Zhang Wei", "customer/C-1/contactPerson");
        var rotated = new PersonalDataKeyring(NewKey(), [old]);

        Assert.Equal("Zhang Wei", rotated.Decrypt(written, "customer/C-1/contactPerson"));
        Assert.NotEqual(PersonalDataKeyring.KeyIdOf(old), rotated.CurrentKeyId);
        var ex = Assert.ThrowsAny<CryptographicException>(() => new PersonalDataKeyring(NewKey()).Decrypt(written, "customer/C-1/contactPerson"));
        Assert.Contains(PersonalDataKeyring.KeyIdOf(old), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_configured_key_stops_start_up_naming_the_setting()
    {
        var host = await AccessHost.CreateAsync(DomainDbProvider.Sqlite);
        try
        {
            host.Settings["Access:PersonalDataKey"] = Convert.ToBase64String(new byte[16]);
            var ex = Assert.ThrowsAny<OptionsValidationException>(() => host.Server);
            Assert.Contains("Access:PersonalDataKey", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            await host.DeleteAsync();
        }
    }

    [Fact]
    public async Task Without_a_configured_key_one_is_generated_owner_only_and_data_written_with_it_needs_it_later()
    {
        var host = await AccessHost.CreateAsync(DomainDbProvider.Sqlite);
        try
        {
            using (var specialist = await host.UserAsync("service-specialist"))
            {
                using var created = await specialist.PostAsJsonAsync("/api/v1/customers", new { name = "Depot", tier = "Standard", phone = "13812345678" });
                await created.JsonAsync(System.Net.HttpStatusCode.Created);
            }

            var keyFile = Path.Combine(host.DataDirectory, AccessFiles.PersonalDataKey);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            }

            await host.DisposeAsync();

            // Configured with another key, the host refuses to start rather than serve data it cannot read.
            await using var wrongKey = host.Again();
            wrongKey.Settings["Access:PersonalDataKey"] = Convert.ToBase64String(NewKey());
            var ex = Assert.ThrowsAny<OptionsValidationException>(() => wrongKey.Server);
            Assert.Contains("Access:PersonalDataKey", ex.Message, StringComparison.Ordinal);

            // With the generated key configured explicitly (as production must), the data reads.
            await using var rightKey = host.Again();
            rightKey.Settings["Access:PersonalDataKey"] = (await File.ReadAllTextAsync(keyFile)).Trim();
            using var supervisor = await rightKey.UserAsync("supervisor");
            var list = await supervisor.GetJsonAsync("/api/v1/customers");
            var id = list.GetProperty("items")[0].GetProperty("id").GetString();
            Assert.Equal("13812345678", (await supervisor.GetJsonAsync($"/api/v1/customers/{id}")).GetProperty("phone").GetString());
        }
        finally
        {
            await host.DeleteAsync();
        }
    }
}
