-- A tenant's own limit of job submissions per minute at the API; null means the configured default.
alter table tenants add column requests_per_minute integer check (requests_per_minute >= 0);
