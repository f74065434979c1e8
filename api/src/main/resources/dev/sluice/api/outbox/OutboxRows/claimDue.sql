-- Rows whose publisher gave up or died: claimed again for this relay, oldest first; skip locked keeps two relays apart.
update job_outbox
set claimed_until = now() + (:claimMillis * interval '1 millisecond')
where id in (select id from job_outbox where claimed_until <= now() order by created_at limit :limit for update skip locked)
returning id, is_batch, next_index
