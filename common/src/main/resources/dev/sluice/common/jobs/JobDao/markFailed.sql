update jobs
set status = 'failed', error = cast(:error as jsonb), completed_at = now(), updated_at = now()
where id = :id and status = 'running' and attempts = :attempt
