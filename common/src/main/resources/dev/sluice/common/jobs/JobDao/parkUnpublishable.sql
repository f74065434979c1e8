-- waiting → failed: its record can never be put back on Kafka (too large, or refused past the bound)
update jobs
set status = 'failed', next_attempt_at = null, completed_at = now(), updated_at = now(),
    error = jsonb_build_object('code', 'unpublishable', 'message', cast(:message as text),
                               'failed_attempts', failed_attempts, 'last_error', history -> -1)
where id = :id and status = 'waiting'
