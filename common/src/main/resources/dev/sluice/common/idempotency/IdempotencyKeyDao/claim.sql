insert into idempotency_keys (tenant_id, key, request_hash, job_id, batch_id, created_at, expires_at)
values (:tenantId, :key, :requestHash, :jobId, :batchId, now(),
        now() + make_interval(secs => cast(:retentionSeconds as double precision)))
on conflict (tenant_id, key) do update
set request_hash = excluded.request_hash,
    job_id = excluded.job_id,
    batch_id = excluded.batch_id,
    created_at = excluded.created_at,
    expires_at = excluded.expires_at
where idempotency_keys.expires_at <= now()
