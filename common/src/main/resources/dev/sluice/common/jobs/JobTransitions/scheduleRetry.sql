-- running → waiting after a failed attempt; the retry scheduler re-publishes the job when it is due
update jobs
set status = 'waiting', next_attempt_at = now() + (:delayMillis * interval '1 millisecond'),
    failed_attempts = failed_attempts + 1, history = history || jsonb_build_array(cast(:entry as jsonb)), updated_at = now(),
    lease_owner = null, lease_until = null
where id = :id and status = 'running' and attempts = :attempt
