update tenants set requests_per_minute = :requestsPerMinute where id = :id
