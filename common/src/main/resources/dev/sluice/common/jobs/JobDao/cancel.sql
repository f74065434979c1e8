update jobs
set status = 'cancelled', completed_at = now(), updated_at = now()
where id = :id and tenant_id = :tenantId and status = 'queued'
