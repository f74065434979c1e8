-- a due job whose record Kafka did not take: it stays waiting, due again after the delay (so it does not lead every
-- round of the retry scheduler)
update jobs
set next_attempt_at = now() + (:delayMillis * interval '1 millisecond'), updated_at = now()
where id = :id and status = 'waiting'
