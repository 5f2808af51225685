using Charger.Cloud.Core;
using Charger.Protocol;

namespace Charger.Cloud.Store;

/// <summary>
/// <see cref="IChargerCredentialStore"/> on the cloud database: only the salt and the PBKDF2-SHA256 hash of each secret
/// are stored (<see cref="ChargerSecrets"/>).
/// </summary>
public sealed class ChargerCredentialStore(StoreDatabase database, TimeProvider time) : IChargerCredentialStore
{
    /// <inheritdoc />
    public async Task<string> EnrolAsync(string chargerId, CancellationToken cancellationToken)
    {
        ChargerId.Require(chargerId);
        var secret = ChargerSecrets.NewSecret();
        var salt = ChargerSecrets.NewSalt();
        var hash = ChargerSecrets.Hash(secret, salt, ChargerSecrets.DefaultIterations);
        await database.WriteAsync((c, tx) => Sql.ExecuteAsync(c, tx,
            """
            INSERT INTO charger_credentials (charger_id, salt, hash, iterations, created_at, revoked_at)
            VALUES (@c, @salt, @hash, @iterations, @at, NULL)
            ON CONFLICT (charger_id) DO UPDATE SET
                salt = excluded.salt, hash = excluded.hash, iterations = excluded.iterations, created_at = excluded.created_at, revoked_at = NULL
            """, cancellationToken,
            ("@c", chargerId), ("@salt", salt), ("@hash", hash), ("@iterations", ChargerSecrets.DefaultIterations),
            ("@at", database.Dialect.Time(time.GetUtcNow()))), cancellationToken);
        return secret;
    }

    /// <inheritdoc />
    public async Task<bool> VerifyAsync(string chargerId, string secret, CancellationToken cancellationToken)
    {
        if (!ChargerId.IsValid(chargerId) || string.IsNullOrEmpty(secret))
        {
            return ChargerSecrets.VerifyNothing(secret ?? string.Empty);
        }

        var rows = await database.ReadAsync(c => Sql.QueryAsync(c, null,
            "SELECT salt, hash, iterations, revoked_at FROM charger_credentials WHERE charger_id = @c",
            r => new Credential((byte[])r.GetValue(0), (byte[])r.GetValue(1), r.GetInt32(2), !r.IsDBNull(3)), cancellationToken, ("@c", chargerId)),
            cancellationToken);
        if (rows.Count == 0 || rows[0].Revoked)
        {
            return ChargerSecrets.VerifyNothing(secret);
        }

        return ChargerSecrets.Verify(secret, rows[0].Salt, rows[0].Iterations, rows[0].Hash);
    }

    /// <inheritdoc />
    public async Task<bool> RevokeAsync(string chargerId, CancellationToken cancellationToken)
    {
        ChargerId.Require(chargerId);
        var revoked = await database.WriteAsync((c, tx) => Sql.ExecuteAsync(c, tx,
            "UPDATE charger_credentials SET revoked_at = @at WHERE charger_id = @c AND revoked_at IS NULL", cancellationToken,
            ("@c", chargerId), ("@at", database.Dialect.Time(time.GetUtcNow()))), cancellationToken);
        return revoked == 1;
    }

    private sealed record Credential(byte[] Salt, byte[] Hash, int Iterations, bool Revoked);
}
