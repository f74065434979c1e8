-- one row per event: a record read again (after a restart, a rebalance) changes nothing
insert into webhook_deliveries (event_id, tenant_id, job_id, batch_id, event_type, url, body, occurred_at)
values (:eventId, :tenantId, :jobId, :batchId, :eventType, :url, :body, :occurredAt)
on conflict (event_id) do nothing
