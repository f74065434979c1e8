update jobs
set status = 'expired', next_attempt_at = null, completed_at = now(), updated_at = now(),
    error = jsonb_build_object('code', 'expired', 'message', 'the deadline passed while the job waited for its next attempt',
                               'failed_attempts', failed_attempts, 'last_error', history -> -1)
where id = any(:ids) and status = 'waiting'
