-- a job without metadata of its own shows the batch's (kept once, on the batch row)
select j.id, j.tenant_id, j.batch_id, j.batch_index, j.custom_id, j.status,
       coalesce(j.metadata, b.metadata)::text as metadata, j.attempts, j.failed_attempts,
       j.created_at, j.started_at, j.completed_at, j.next_attempt_at, j.deadline, j.result::text as result,
       j.error::text as error, j.history::text as history, j.webhook_url is not null as has_webhook
from jobs j join batches b on b.id = j.batch_id
where j.batch_id = :batchId
  and j.batch_index > coalesce((select batch_index from jobs where id = :afterId and batch_id = :batchId), -1)
order by j.batch_index
limit :limit
