-- not published this time: another try after :retrySeconds
update job_events set claimed_until = clock_timestamp() + make_interval(secs => :retrySeconds) where id = any(:ids)
