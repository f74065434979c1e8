-- a tenant's first secret; nothing when it has a current one already (also one made a moment ago)
insert into webhook_secrets (tenant_id, secret, created_at)
values (:tenantId, :secret, clock_timestamp())
on conflict (tenant_id) where retires_at is null do nothing
