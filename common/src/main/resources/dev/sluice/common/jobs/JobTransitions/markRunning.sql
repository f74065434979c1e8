-- Many jobs at once (ids), each: queued → running under this worker's lease, or a takeover of a running job whose
-- lease has expired (its worker died or stalled); a job past its deadline ends expired instead. A running job under a
-- live lease is left to its owner (findLeased tells the caller how long that lease lasts). A running row without a
-- lease (written before leases existed) counts as expired.
-- 'waiting' is taken too: the retry scheduler locks the row, publishes the record and commits 'queued'; a worker that
-- gets the record before that commit must wait on the row lock (only rows matching the where clause are waited on),
-- then sees 'queued'. A stale record of a waiting job (redelivered after a crash) just runs the retry early.
update jobs
set status = case when deadline <= now() then 'expired' else 'running' end,
    attempts = case when deadline <= now() then attempts else attempts + 1 end,
    started_at = case when deadline <= now() then started_at else coalesce(started_at, now()) end,
    completed_at = case when deadline <= now() then now() else completed_at end,
    lease_owner = case when deadline <= now() then null else cast(:leaseOwner as uuid) end,
    lease_until = case when deadline <= now() then null else now() + (:leaseMillis * interval '1 millisecond') end,
    next_attempt_at = null,
    error = case when deadline <= now()
        then jsonb_build_object('code', 'expired', 'message', 'the deadline ' || to_char(deadline at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ' passed before the job was sent',
                                'failed_attempts', failed_attempts, 'last_error', history -> -1)
        else error end,
    updated_at = now()
where id = any(:ids)
  and (status in ('queued', 'waiting') or (status = 'running' and coalesce(lease_until, '-infinity') <= now()))
returning id, status, attempts, failed_attempts
