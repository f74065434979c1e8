select id, tenant_id, batch_id, batch_index, custom_id, status, metadata::text as metadata, attempts, failed_attempts,
       created_at, started_at, completed_at, next_attempt_at, deadline, result::text as result, error::text as error,
       history::text as history
from jobs
where batch_id = :batchId and batch_index > coalesce((select batch_index from jobs where id = :afterId and batch_id = :batchId), -1)
order by batch_index
limit :limit
