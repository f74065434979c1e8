select secret, created_at, retires_at
from webhook_secrets
where tenant_id = :tenantId and retires_at is null
