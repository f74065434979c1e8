update jobs
set status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()), updated_at = now()
where id = :id and status in ('queued', 'running')
returning attempts
