select id, tenant_id, batch_id, batch_index, custom_id, request::text as request, metadata::text as metadata,
       webhook_url, created_at, cache, deadline, trace_parent, trace_state
from jobs
where id = any(:ids) and status = 'queued'
