-- running → expired: the deadline passed while the job waited out the upstream's rate limit; it is not sent again
update jobs
set status = 'expired', next_attempt_at = null, completed_at = now(), updated_at = now(),
    error = jsonb_build_object('code', 'expired', 'message', 'the deadline passed while the job waited for the '
                               || 'upstream''s rate limit; it was not sent again', 'failed_attempts', failed_attempts)
where id = :id and status = 'running' and attempts = :attempt
