-- the jobs of these events that have a webhook_url, as GET /v1/jobs/{id} reads them (see JobDao/findForTenant.sql),
-- with their webhook_url: one query for a whole poll of events
select j.id, j.tenant_id, j.batch_id, j.batch_index, j.custom_id, j.status,
       coalesce(j.metadata, b.metadata)::text as metadata, j.attempts, j.failed_attempts,
       j.created_at, j.started_at, j.completed_at, j.next_attempt_at, j.deadline, j.result::text as result,
       j.error::text as error, j.history::text as history, j.webhook_url is not null as has_webhook, j.webhook_url
from jobs j left join batches b on b.id = j.batch_id
where j.id = any(:ids) and j.webhook_url is not null
