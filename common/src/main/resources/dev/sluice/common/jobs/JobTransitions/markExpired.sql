-- running → expired: the deadline passed while the job waited for the upstream's budget or out its rate limit; it is
-- not sent (again)
update jobs
set status = 'expired', next_attempt_at = null, completed_at = now(), updated_at = now(),
    error = jsonb_build_object('code', 'expired', 'message', 'the deadline passed while the job waited for the '
                               || 'upstream''s budget or rate limit; it was not sent after it', 'failed_attempts', failed_attempts)
where id = :id and status = 'running' and attempts = :attempt
