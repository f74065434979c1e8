-- anywhere before the end: in the queue, waiting for a retry, or running (its answer, if one comes, is dropped)
update jobs
set status = 'cancelled', next_attempt_at = null, completed_at = now(), updated_at = now()
where id = :id and tenant_id = :tenantId and status in ('queued', 'waiting', 'running')
