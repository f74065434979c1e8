-- Tenants own API keys, batches and jobs. Only a SHA-256 of a key is stored.
create table tenants (
    id          uuid primary key,
    name        text not null unique,
    created_at  timestamptz not null default now()
);

create table api_keys (
    key_hash    text primary key,
    tenant_id   uuid not null references tenants (id),
    key_prefix  text not null,
    created_at  timestamptz not null default now(),
    revoked_at  timestamptz
);
create index api_keys_tenant on api_keys (tenant_id);

create table batches (
    id           uuid primary key,
    tenant_id    uuid not null references tenants (id),
    job_count    integer not null,
    metadata     jsonb,
    webhook_url  text,
    created_at   timestamptz not null
);
create index batches_tenant on batches (tenant_id);

-- One row per accepted job. Kafka is the source of truth for acceptance; this row is what callers poll.
-- Every state change is a guarded update on status (and on attempts, which fences a stale worker).
create table jobs (
    id            uuid primary key,
    tenant_id     uuid not null references tenants (id),
    batch_id      uuid references batches (id),
    batch_index   integer,
    custom_id     text,
    status        text not null check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    request       jsonb not null,
    metadata      jsonb,
    webhook_url   text,
    attempts      integer not null default 0,
    created_at    timestamptz not null,
    started_at    timestamptz,
    completed_at  timestamptz,
    result        jsonb,
    error         jsonb,
    updated_at    timestamptz not null default now()
);
create unique index jobs_batch on jobs (batch_id, batch_index) where batch_id is not null;
create index jobs_tenant_created on jobs (tenant_id, created_at);
