select requests_per_minute from tenants where id = :id
