insert into job_outbox (id, is_batch, claimed_until)
select id, false, now() + (:claimMillis * interval '1 millisecond') from unnest(cast(:ids as uuid[])) as accepted(id)
