select id, tenant_id, job_count, metadata::text as metadata, webhook_url, created_at
from batches
where id = :id and tenant_id = :tenantId
