insert into job_outbox (id, is_batch, claimed_until)
values (:id, true, now() + (:claimMillis * interval '1 millisecond'))
