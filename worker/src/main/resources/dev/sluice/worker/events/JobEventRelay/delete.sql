-- published: Kafka acknowledged them
delete from job_events where id = any(:ids)
