-- A publisher that could not publish lets go of its rows: any relay may take them after the delay.
update job_outbox
set claimed_until = now() + (:delayMillis * interval '1 millisecond')
where id = any(:ids)
