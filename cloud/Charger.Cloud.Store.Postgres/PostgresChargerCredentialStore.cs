using Charger.Cloud.Core;
using Charger.Protocol;

namespace Charger.Cloud.Store.Postgres;

/// <summary>
/// <see cref="IChargerCredentialStore"/> on a <see cref="PostgresDatabase"/>: only the salt and the PBKDF2-SHA256 hash of
/// each secret are stored (<see cref="ChargerSecrets"/>), as in the SQLite store.
/// </summary>
public sealed class PostgresChargerCredentialStore(PostgresDatabase database, TimeProvider time) : IChargerCredentialStore
{
    /// <inheritdoc />
    public async Task<string> EnrolAsync(string chargerId, CancellationToken cancellationToken)
    {
        ChargerId.Require(chargerId);
        var secret = ChargerSecrets.NewSecret();
        var salt = ChargerSecrets.NewSalt();
        var hash = ChargerSecrets.Hash(secret, salt, ChargerSecrets.DefaultIterations);
        await database.WriteAsync((c, tx) => PostgresDatabase.ExecuteAsync(c, tx,
            """
            INSERT INTO charger_credentials (charger_id, salt, hash, iterations, created_at, revoked_at)
            VALUES (@c, @salt, @hash, @iterations, @at, NULL)
            ON CONFLICT (charger_id) DO UPDATE SET
                salt = excluded.salt, hash = excluded.hash, iterations = excluded.iterations, created_at = excluded.created_at, revoked_at = NULL
            """, cancellationToken,
            ("@c", chargerId), ("@salt", salt), ("@hash", hash), ("@iterations", ChargerSecrets.DefaultIterations),
            ("@at", PostgresEventStore.Ms(time.GetUtcNow()))), cancellationToken);
        return secret;
    }

    /// <inheritdoc />
    public async Task<bool> VerifyAsync(string chargerId, string secret, CancellationToken cancellationToken)
    {
        if (!ChargerId.IsValid(chargerId) || string.IsNullOrEmpty(secret))
        {
            return ChargerSecrets.VerifyNothing(secret ?? string.Empty);
        }

        var row = await database.ReadAsync(async c =>
        {
            await using var cmd = PostgresDatabase.Command(c, null,
                "SELECT salt, hash, iterations, revoked_at IS NOT NULL FROM charger_credentials WHERE charger_id = @c", ("@c", chargerId));
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            return await r.ReadAsync(cancellationToken)
                ? new Credential(r.GetFieldValue<byte[]>(0), r.GetFieldValue<byte[]>(1), r.GetInt32(2), r.GetBoolean(3))
                : null;
        }, cancellationToken);

        if (row is null || row.Revoked)
        {
            return ChargerSecrets.VerifyNothing(secret);
        }

        return ChargerSecrets.Verify(secret, row.Salt, row.Iterations, row.Hash);
    }

    /// <inheritdoc />
    public async Task<bool> RevokeAsync(string chargerId, CancellationToken cancellationToken)
    {
        ChargerId.Require(chargerId);
        var revoked = await database.WriteAsync((c, tx) => PostgresDatabase.ExecuteAsync(c, tx,
            "UPDATE charger_credentials SET revoked_at = @at WHERE charger_id = @c AND revoked_at IS NULL", cancellationToken,
            ("@c", chargerId), ("@at", PostgresEventStore.Ms(time.GetUtcNow()))), cancellationToken);
        return revoked == 1;
    }

    private sealed record Credential(byte[] Salt, byte[] Hash, int Iterations, bool Revoked);
}
