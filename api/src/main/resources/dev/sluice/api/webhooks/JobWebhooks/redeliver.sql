-- the job's latest event, due again now with a fresh give-up clock and the same event id (and body); an attempt
-- in flight keeps its claim, so it is not sent twice at once
update webhook_deliveries
set status = 'pending', next_attempt_at = clock_timestamp(), retry_since = clock_timestamp()
where event_id = (select event_id from webhook_deliveries
                  where job_id = :jobId and tenant_id = :tenantId
                  order by created_at desc
                  limit 1)
returning status, attempts, last_status, last_error, delivered_at, next_attempt_at
