delete from idempotency_keys
where ctid in (select ctid from idempotency_keys where expires_at <= now() limit :limit)
