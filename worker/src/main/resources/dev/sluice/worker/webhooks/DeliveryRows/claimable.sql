-- due, unclaimed deliveries of tenants that still have a free slot here, oldest due first; locked (skip locked) until
-- the claim is written in the same transaction, so two dispatchers never take the same row
select event_id, tenant_id, coalesce(job_id, batch_id)::text as subject, url, body, occurred_at, attempts
from webhook_deliveries
where status = 'pending' and next_attempt_at <= clock_timestamp() and claimed_until < clock_timestamp()
  and tenant_id <> all(:busyTenants)
order by next_attempt_at
limit :limit
for update skip locked
