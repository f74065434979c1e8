select k.request_hash, k.job_id, k.batch_id, coalesce(j.created_at, b.created_at) as accepted_at
from idempotency_keys k
left join jobs j on j.id = k.job_id
left join batches b on b.id = k.batch_id
where k.tenant_id = :tenantId and k.key = :key
