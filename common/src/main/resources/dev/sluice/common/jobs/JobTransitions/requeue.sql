update jobs
set status = 'queued', updated_at = now()
where id = :id and status = 'running' and attempts = :attempt
