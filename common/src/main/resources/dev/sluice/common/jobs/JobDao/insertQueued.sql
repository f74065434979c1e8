insert into jobs (id, tenant_id, batch_id, batch_index, custom_id, status, request, metadata, webhook_url, created_at, cache, deadline, trace_parent, trace_state)
values (:id, :tenantId, :batchId, :batchIndex, :customId, 'queued', cast(:request as jsonb), cast(:metadata as jsonb), :webhookUrl, :createdAt, :cache, :deadline, :traceParent, :traceState)
