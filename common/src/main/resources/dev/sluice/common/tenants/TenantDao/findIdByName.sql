select id from tenants where name = :name
