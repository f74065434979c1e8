-- whether the job has a webhook_url, and the delivery of its latest webhook event if there is one
select j.webhook_url is not null as has_webhook,
       d.status, d.attempts, d.last_status, d.last_error, d.delivered_at, d.next_attempt_at
from jobs j
left join lateral (select * from webhook_deliveries
                   where job_id = j.id and tenant_id = j.tenant_id
                   order by created_at desc
                   limit 1) d on true
where j.id = :jobId and j.tenant_id = :tenantId
