insert into jobs (id, tenant_id, batch_id, batch_index, custom_id, status, request, metadata, webhook_url, created_at, cache, deadline)
values (:id, :tenantId, :batchId, :batchIndex, :customId, 'queued', cast(:request as jsonb), cast(:metadata as jsonb), :webhookUrl, :createdAt, :cache, :deadline)
on conflict (id) do nothing
