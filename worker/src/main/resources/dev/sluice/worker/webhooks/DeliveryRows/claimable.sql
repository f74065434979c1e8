-- due, unclaimed deliveries of tenants that still have a free slot here, oldest due first; locked (skip locked) until
-- the claim is written in the same transaction, so two dispatchers never take the same row
select event_id, tenant_id, coalesce(job_id, batch_id)::text as subject, url, body, occurred_at, attempts,
       -- the job's trace: its delivery spans join the job's one trace
       (select j.trace_parent from jobs j where j.id = webhook_deliveries.job_id) as trace_parent,
       (select j.trace_state from jobs j where j.id = webhook_deliveries.job_id) as trace_state
from webhook_deliveries
where status = 'pending' and next_attempt_at <= clock_timestamp() and claimed_until < clock_timestamp()
  and tenant_id <> all(:busyTenants)
order by next_attempt_at
limit :limit
for update skip locked
