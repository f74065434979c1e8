-- the oldest events no relay holds, held for :claimSeconds; two relays never take the same row
update job_events e
set claimed_until = clock_timestamp() + make_interval(secs => :claimSeconds)
from (select id from job_events
      where claimed_until <= clock_timestamp()
      order by occurred_at
      limit :limit
      for update skip locked) free
where e.id = free.id
returning e.id, e.kind, e.job_id, e.batch_id, e.tenant_id, e.status, e.attempt, e.occurred_at, e.model,
          e.usage::text as usage,
          -- the submit's trace context, which the event's record carries in its headers
          (select j.trace_parent from jobs j where j.id = e.job_id) as trace_parent,
          (select j.trace_state from jobs j where j.id = e.job_id) as trace_state
