-- Many results at once: each row is fenced on its own attempt; returns the ids it stored.
update jobs
set status = 'succeeded', result = cast(stored.result as jsonb), error = null, completed_at = now(), updated_at = now(),
    lease_owner = null, lease_until = null
from unnest(cast(:ids as uuid[]), cast(:attempts as integer[]), cast(:results as text[])) as stored(id, attempt, result)
where jobs.id = stored.id and jobs.status = 'running' and jobs.attempts = stored.attempt
returning jobs.id
