-- rotations of one tenant take turns
select id from tenants where id = :tenantId for update
