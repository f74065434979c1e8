update webhook_deliveries
set status = 'delivered', attempts = attempts + 1, last_status = :httpStatus, last_error = null,
    delivered_at = clock_timestamp(), next_attempt_at = null, claimed_until = '-infinity'
where event_id = :eventId and status = 'pending'
