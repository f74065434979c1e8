select id, tenant_id, batch_id, batch_index, custom_id, request::text as request, metadata::text as metadata,
       webhook_url, created_at, cache, deadline, trace_parent, trace_state
from jobs
where status = 'waiting' and next_attempt_at <= now()
order by next_attempt_at
limit :limit
for update skip locked
