select webhook_url from jobs where id = :id and tenant_id = :tenantId
