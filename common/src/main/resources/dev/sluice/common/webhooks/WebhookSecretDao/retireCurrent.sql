-- the current secret keeps signing until now + the grace period; returns how many it retired (0 or 1)
update webhook_secrets
set retires_at = clock_timestamp() + make_interval(secs => :graceSeconds)
where tenant_id = :tenantId and retires_at is null
