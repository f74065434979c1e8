delete from job_outbox where id = any(:ids)
