update jobs
set status = 'failed', error = cast(:error as jsonb), failed_attempts = failed_attempts + 1,
    history = history || jsonb_build_array(cast(:entry as jsonb)), completed_at = now(), updated_at = now(),
    lease_owner = null, lease_until = null
where id = :id and status = 'running' and attempts = :attempt
