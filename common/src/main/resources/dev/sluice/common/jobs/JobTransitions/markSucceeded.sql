update jobs
set status = 'succeeded', result = cast(:result as jsonb), error = null, completed_at = now(), updated_at = now()
where id = :id and status = 'running' and attempts = :attempt
