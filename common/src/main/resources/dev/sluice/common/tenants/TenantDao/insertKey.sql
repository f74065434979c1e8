insert into api_keys (key_hash, tenant_id, key_prefix) values (:keyHash, :tenantId, :keyPrefix)
on conflict (key_hash) do nothing
