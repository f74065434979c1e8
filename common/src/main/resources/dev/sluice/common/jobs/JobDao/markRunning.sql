-- queued → running (or a takeover of a running job whose worker died); a job past its deadline ends expired instead
update jobs
set status = case when deadline <= now() then 'expired' else 'running' end,
    attempts = case when deadline <= now() then attempts else attempts + 1 end,
    started_at = case when deadline <= now() then started_at else coalesce(started_at, now()) end,
    completed_at = case when deadline <= now() then now() else completed_at end,
    error = case when deadline <= now()
        then jsonb_build_object('code', 'expired', 'message', 'the deadline ' || to_char(deadline at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ' passed before the job was sent',
                                'failed_attempts', failed_attempts, 'last_error', history -> -1)
        else error end,
    updated_at = now()
where id = :id and status in ('queued', 'running')
returning status, attempts, failed_attempts
