insert into batches (id, tenant_id, job_count, metadata, webhook_url, created_at)
values (:id, :tenantId, :jobCount, cast(:metadata as jsonb), :webhookUrl, :createdAt)
