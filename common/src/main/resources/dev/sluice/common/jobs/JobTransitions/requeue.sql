update jobs
set status = 'queued', updated_at = now(),
    lease_owner = null, lease_until = null
where id = :id and status = 'running' and attempts = :attempt
