-- the receiver said 410 Gone: never tried again (a redelivery may still ask for it)
update webhook_deliveries
set status = 'failed', attempts = attempts + 1, last_status = :httpStatus, last_error = :error,
    next_attempt_at = null, claimed_until = '-infinity'
where event_id = :eventId and status = 'pending'
