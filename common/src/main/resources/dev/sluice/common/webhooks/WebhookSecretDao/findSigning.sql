-- every secret that signs now: the current one first, then those still in their grace period, newest first
select secret, created_at, retires_at
from webhook_secrets
where tenant_id = :tenantId and (retires_at is null or retires_at > clock_timestamp())
order by retires_at is not null, created_at desc
