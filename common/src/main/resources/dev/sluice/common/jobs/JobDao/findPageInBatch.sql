select id, tenant_id, batch_id, batch_index, custom_id, status, metadata::text as metadata, attempts, created_at, started_at, completed_at, result::text as result, error::text as error
from jobs
where batch_id = :batchId and batch_index > coalesce((select batch_index from jobs where id = :afterId and batch_id = :batchId), -1)
order by batch_index
limit :limit
