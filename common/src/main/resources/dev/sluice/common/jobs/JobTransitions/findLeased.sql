-- Of these jobs, those running under a live lease (their own worker's or another's), with how long it still lasts.
select id, status, attempts, failed_attempts,
       cast(ceil(extract(epoch from (lease_until - now())) * 1000) as bigint) as lease_left_millis
from jobs
where id = any(:ids) and status = 'running' and lease_until > now()
