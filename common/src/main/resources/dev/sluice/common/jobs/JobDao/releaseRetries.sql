update jobs
set status = 'queued', next_attempt_at = null, updated_at = now()
where id = any(:ids) and status = 'waiting'
