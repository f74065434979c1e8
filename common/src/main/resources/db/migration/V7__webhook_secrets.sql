-- Each tenant's webhook signing secrets (Standard Webhooks, whsec_...). The current one has no retires_at; a rotation
-- gives the current one a retires_at (now + the grace period) and adds a new current one. Every secret whose
-- retires_at is still ahead signs too, so a receiver that holds the old secret keeps verifying until it has the new.
-- The value is kept as the tenant sees it: the worker must be able to sign with it (a hash would not do).
create table webhook_secrets (
    tenant_id   uuid not null references tenants (id) on delete cascade,
    secret      text not null,
    created_at  timestamptz not null default now(),
    retires_at  timestamptz,
    primary key (tenant_id, created_at)
);
-- one current secret per tenant: two concurrent first reads cannot both create one
create unique index webhook_secrets_one_current on webhook_secrets (tenant_id) where retires_at is null;
