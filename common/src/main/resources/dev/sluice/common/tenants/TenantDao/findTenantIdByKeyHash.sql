select tenant_id from api_keys where key_hash = :keyHash and revoked_at is null
