update jobs
set attempts = attempts + 1, updated_at = now()
where id = :id and status = 'running' and attempts = :attempt
returning attempts
