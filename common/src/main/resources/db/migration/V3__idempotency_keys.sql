-- A tenant's Idempotency-Key: the SHA-256 of the request it was first used with (endpoint and canonical body) and
-- what that request created, a job or a batch. It is written in the same transaction as the job rows, so a key
-- exists exactly when its job does. The key is claimed before the job rows are inserted, so the references to them
-- are checked at commit. After expires_at the key counts as unused and may be claimed again.
create table idempotency_keys (
    tenant_id     uuid not null references tenants (id),
    key           text not null,
    request_hash  text not null,
    job_id        uuid references jobs (id) deferrable initially deferred,
    batch_id      uuid references batches (id) deferrable initially deferred,
    created_at    timestamptz not null,
    expires_at    timestamptz not null,
    primary key (tenant_id, key),
    check ((job_id is null) <> (batch_id is null))
);
create index idempotency_keys_expires on idempotency_keys (expires_at);
