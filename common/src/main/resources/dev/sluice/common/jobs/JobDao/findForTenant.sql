select id, tenant_id, batch_id, batch_index, custom_id, status, metadata::text as metadata, attempts, created_at, started_at, completed_at, result::text as result, error::text as error
from jobs
where id = :id and tenant_id = :tenantId
