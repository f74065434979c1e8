update webhook_deliveries
set claimed_until = clock_timestamp() + make_interval(secs => :claimSeconds)
where event_id = any(:eventIds)
