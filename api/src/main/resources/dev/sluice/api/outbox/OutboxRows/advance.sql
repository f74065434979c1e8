update job_outbox
set next_index = :nextIndex, claimed_until = now() + (:claimMillis * interval '1 millisecond')
where id = :id
