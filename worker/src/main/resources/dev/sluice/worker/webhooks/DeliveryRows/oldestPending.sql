-- seconds since the oldest undelivered event happened; null when nothing is pending
select extract(epoch from clock_timestamp() - min(occurred_at))::float8
from webhook_deliveries
where status = 'pending'
