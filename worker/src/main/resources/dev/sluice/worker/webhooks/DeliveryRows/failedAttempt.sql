-- tried again after the delay, unless that would be past the give-up time (counted from retry_since): then failed
with decided as (
    select event_id,
           clock_timestamp() + make_interval(secs => :delaySeconds)
               > retry_since + make_interval(secs => :giveUpSeconds) as give_up
    from webhook_deliveries
    where event_id = :eventId and status = 'pending'
)
update webhook_deliveries d
set attempts = d.attempts + 1, last_status = :httpStatus, last_error = :error, claimed_until = '-infinity',
    status = case when decided.give_up then 'failed' else 'pending' end,
    next_attempt_at = case when decided.give_up then null
                           else clock_timestamp() + make_interval(secs => :delaySeconds) end
from decided
where d.event_id = decided.event_id
returning d.status
