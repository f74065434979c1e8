insert into webhook_secrets (tenant_id, secret, created_at)
values (:tenantId, :secret, clock_timestamp())
