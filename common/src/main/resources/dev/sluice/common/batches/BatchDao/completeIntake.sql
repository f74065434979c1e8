update batches
set job_count = :jobCount, metadata = cast(:metadata as jsonb), webhook_url = :webhookUrl
where id = :id
