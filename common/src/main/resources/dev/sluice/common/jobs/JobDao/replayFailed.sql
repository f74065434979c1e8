-- a dead-lettered job back to the queue with the same id: a fresh attempt budget and deadline, its history kept
update jobs
set status = 'queued', failed_attempts = 0, error = null, completed_at = null,
    deadline = now() + (:windowMillis * interval '1 millisecond'),
    history = history || jsonb_build_array(jsonb_build_object('replayed_at', now())), updated_at = now()
where id = :id and status = 'failed'
returning id, tenant_id, batch_id, batch_index, custom_id, request::text as request, metadata::text as metadata,
          webhook_url, created_at, cache, deadline, trace_parent, trace_state
