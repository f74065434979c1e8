-- A job whose record Kafka can never take (too large for the topic): it ends failed instead of blocking the outbox.
update jobs
set status = 'failed', completed_at = now(), updated_at = now(),
    error = jsonb_build_object('code', 'unpublishable', 'message', cast(:message as text), 'failed_attempts', 0)
where id = :id and status = 'queued'
