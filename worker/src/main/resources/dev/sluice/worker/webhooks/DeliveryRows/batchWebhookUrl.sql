select webhook_url from batches where id = :id and tenant_id = :tenantId
